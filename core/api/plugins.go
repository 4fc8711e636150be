package api

import (
	"context"
	"encoding/json"
	"net/http"
)

type pluginBody struct {
	Name          string          `json:"name"`
	Version       string          `json:"version"`
	Description   string          `json:"description"`
	Source        string          `json:"source" doc:"built-in, or the path of the plugin's executable"`
	SHA256        string          `json:"sha256,omitempty" doc:"Fingerprint: the hex SHA-256 of the plugin's executable (absent for built-ins, part of the searcharr binary)"`
	Status        string          `json:"status" doc:"running, restarting or failed"`
	Restarts      int             `json:"restarts"`
	LastError     string          `json:"last_error,omitempty"`
	Triggers      []string        `json:"triggers"`
	InstanceKinds []string        `json:"instance_kinds"`
	ConfigSchema  json.RawMessage `json:"config_schema,omitempty" doc:"JSON Schema of the queue filters the strategy accepts"`
}

type pluginListOutput struct {
	Body []pluginBody
}

func (s *Server) pluginRoutes() {
	handle(s, operation(http.MethodGet, "/api/plugins", "list-plugins", "plugins", "The loaded strategy plugins", 0), s.listPlugins)
}

func (s *Server) listPlugins(_ context.Context, _ *struct{}) (*pluginListOutput, error) {
	ps := s.deps.Plugins.Plugins()
	out := &pluginListOutput{Body: make([]pluginBody, len(ps))}
	for i, p := range ps {
		out.Body[i] = pluginBody{
			Name: p.Name, Version: p.Version, Description: p.Description, Source: p.Source, SHA256: p.SHA256,
			Status: p.Status, Restarts: p.Restarts, LastError: p.LastError,
			Triggers: nonNil(p.Triggers), InstanceKinds: nonNil(p.InstanceKinds), ConfigSchema: p.ConfigSchema,
		}
	}
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
