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
		}
		if !found {
			t.Errorf("Validate(%s) = %v, want an error at path %q", bad.Config, err, bad.Path)
		}
	}
}
