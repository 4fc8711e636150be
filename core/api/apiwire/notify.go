package apiwire

import (
	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/notify"
	"github.com/vibequality/searcharr/core/store"
)

// Notifier builds the notifier backed by st; Start, Register and Stop stay
// with the caller. policy's address check applies to sink URLs on top of
// the link-local and metadata addresses the notifier always refuses.
func Notifier(st *store.Store, policy api.URLPolicy, deps notify.Deps, cfg notify.Config) (*notify.Notifier, error) {
	deps.Sinks = st.NotificationSinks()
	deps.Instances = st.Instances()
	if cfg.CheckAddr == nil {
		cfg.CheckAddr = policy.CheckAddr
	}
	return notify.New(deps, cfg)
}

// Notifications is the notifier as the API manages sinks through it.
func Notifications(n *notify.Notifier) api.NotificationSinks { return n }
