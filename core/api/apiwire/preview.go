package apiwire

import (
	"context"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/engine"
)

// Previewer adapts the engine's dry runs to api.Previewer.
func Previewer(e *engine.Engine) api.Previewer { return previewer{e} }

type previewer struct{ e *engine.Engine }

func (p previewer) Preview(ctx context.Context, queueID int64, opts api.PreviewOptions) (domain.Run, []domain.RunItem, error) {
	return p.e.Preview(ctx, queueID, engine.PreviewOptions{OverrideCooldown: opts.OverrideCooldown})
}
