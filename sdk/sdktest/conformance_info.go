package sdktest

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"testing"

	"github.com/vibequality/searcharr/sdk"
)

var (
	namePattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	// semverPattern is the pattern semver.org recommends.
	semverPattern = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)` +
		`(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?` +
		`(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)
)

func checkInfo(t *testing.T, s sdk.Strategy, info sdk.Info) {
	if !namePattern.MatchString(info.Name) {
		t.Errorf("Info.Name %q: want lowercase letters, digits and single dashes", info.Name)
	}
	if !semverPattern.MatchString(info.Version) {
		t.Errorf("Info.Version %q: want a semantic version such as 1.2.0", info.Version)
	}
	if info.Description == "" {
		t.Error("Info.Description is empty")
	}
	var schema map[string]any
	if err := json.Unmarshal(info.ConfigSchema, &schema); err != nil {
		t.Errorf("Info.ConfigSchema is not a JSON object: %v", err)
	} else if typ, ok := schema["type"]; ok && typ != "object" {
		t.Errorf("Info.ConfigSchema type is %v, want object", typ)
	} else {
		checkExpressionFields(t, info.ConfigSchema)
	}
	for _, k := range info.Triggers {
		switch k {
		case sdk.TriggerSchedule, sdk.TriggerWebhook, sdk.TriggerAPI:
		default:
			t.Errorf("Info.Triggers: unknown trigger kind %q", k)
		}
	}
	for _, k := range info.InstanceKinds {
		if k != sdk.Sonarr && k != sdk.Radarr {
			t.Errorf("Info.InstanceKinds: unknown instance kind %q", k)
		}
	}
	again, err := s.Info(context.Background())
	if err != nil {
		t.Fatalf("second Info: %v", err)
	}
	if again.Name != info.Name || again.Version != info.Version {
		t.Errorf("Info changed between calls: %s %s, then %s %s", info.Name, info.Version, again.Name, again.Version)
	}
}

// checkExpressionFields checks the expression annotations of a schema (see
// sdk.Info.ConfigSchema), when it has any.
func checkExpressionFields(t *testing.T, raw json.RawMessage) {
	var schema struct {
		Fields     json.RawMessage `json:"x-expression-fields"`
		Properties map[string]struct {
			Expression any `json:"x-expression"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Errorf("Info.ConfigSchema: %v", err)
		return
	}
	if len(schema.Fields) > 0 {
		var fields []struct{ Name, Type, Description string }
		if err := json.Unmarshal(schema.Fields, &fields); err != nil {
			t.Errorf("Info.ConfigSchema x-expression-fields: want an array of {name, type, description}: %v", err)
		}
		for i, f := range fields {
			if f.Name == "" || f.Type == "" {
				t.Errorf("Info.ConfigSchema x-expression-fields[%d] needs a name and a type", i)
			}
		}
	}
	for name, p := range schema.Properties {
		if p.Expression != nil && p.Expression != "boolean" && p.Expression != "number" {
			t.Errorf("Info.ConfigSchema property %s: x-expression is %v, want \"boolean\" or \"number\"", name, p.Expression)
		}
	}
}

func checkValidate(t *testing.T, s sdk.Strategy, opts Options) {
	for _, config := range opts.ValidConfigs {
		ctx, cancel := context.WithTimeout(context.Background(), opts.Timeout)
		if err := s.Validate(ctx, config); err != nil {
			t.Errorf("Validate(%s) = %v, want it accepted", config, err)
		}
		cancel()
	}
	for _, bad := range opts.InvalidConfigs {
		ctx, cancel := context.WithTimeout(context.Background(), opts.Timeout)
		err := s.Validate(ctx, bad.Config)
		cancel()
		var errs sdk.ConfigErrors
		if !errors.As(err, &errs) {
			t.Errorf("Validate(%s) = %v, want sdk.ConfigErrors", bad.Config, err)
			continue
		}
		found := false
		for _, e := range errs {
			if e.Path == bad.Path {
				found = true
			}
			if e.Message == "" {
				t.Errorf("Validate(%s): error at %q has no message", bad.Config, e.Path)
			}
			if e.Line < 0 || e.Column < 0 || (e.Line == 0) != (e.Column == 0) {
				t.Errorf("Validate(%s): error at %q has line %d and column %d; want both positive or both 0", bad.Config, e.Path, e.Line, e.Column)
			}
		}
		if !found {
			t.Errorf("Validate(%s) = %v, want an error at path %q", bad.Config, err, bad.Path)
		}
	}
}
