package apiwire

import (
	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/notify"
	"github.com/vibequality/searcharr/core/outbound"
	"github.com/vibequality/searcharr/core/store"
)

// Notifier builds the notifier backed by st, connecting to sinks through
// d; Start, Register and Stop stay with the caller.
func Notifier(st *store.Store, d *outbound.Dialer, deps notify.Deps, cfg notify.Config) (*notify.Notifier, error) {
	deps.Sinks = st.NotificationSinks()
	deps.Instances = st.Instances()
	deps.Outbound = d
	return notify.New(deps, cfg)
}

// Notifications is the notifier as the API manages sinks through it.
func Notifications(n *notify.Notifier) api.NotificationSinks { return n }
