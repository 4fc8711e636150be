package apiwire

import (
	"context"
	"encoding/json"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/pluginhost"
)

// Plugins adapts the plugin host to api.PluginCatalog.
func Plugins(h *pluginhost.Host) api.PluginCatalog { return catalog{h} }

type catalog struct{ h *pluginhost.Host }

func (c catalog) Plugins() []api.PluginInfo {
	ps := c.h.List()
	out := make([]api.PluginInfo, len(ps))
	for i, p := range ps {
		info := api.PluginInfo{
			Name: p.Name, Version: p.Version, Description: p.Description, Source: p.Source, SHA256: p.SHA256,
			Status: string(p.Status), Restarts: p.Restarts, LastError: p.LastError, ConfigSchema: p.ConfigSchema,
			LastFailure: string(p.LastFailure), Unanswered: p.Unanswered,
		}
		for _, t := range p.Triggers {
			info.Triggers = append(info.Triggers, string(t))
		}
		for _, k := range p.InstanceKinds {
			info.InstanceKinds = append(info.InstanceKinds, string(k))
		}
		out[i] = info
	}
	return out
}

func (c catalog) Validate(ctx context.Context, name string, config json.RawMessage) error {
	return c.h.Validate(ctx, name, config)
}
