package pluginhost

import (
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	dir := t.TempDir()
	file := install(t, dir, "plugin", "a-file")
	sum := strings.Repeat("0a", 32)
	tests := []struct {
		name string
		cfg  Config
		want string // empty: valid
	}{
		{"empty", Config{}, ""},
		{"built-ins and dir", Config{SelfPath: "/bin/searcharr", BuiltIns: []string{"missing", "cut-off2"}, Dir: dir, Pins: map[string]string{"x": strings.ToUpper(sum)}}, ""},
		{"built-ins without self", Config{BuiltIns: []string{"missing"}}, "self path is required"},
		{"bad built-in name", Config{SelfPath: "s", BuiltIns: []string{"Missing"}}, `built-in "Missing": invalid name`},
		{"built-in twice", Config{SelfPath: "s", BuiltIns: []string{"missing", "missing"}}, "listed twice"},
		{"missing dir", Config{Dir: dir + "/absent"}, "plugin dir"},
		{"dir is a file", Config{Dir: file}, "not a directory"},
		{"bad pin", Config{Pins: map[string]string{"x": "abc"}}, `pin "x"`},
		{"negative timeout", Config{PlanTimeout: -time.Second}, "plan timeout must not be negative"},
		{"backoff above max", Config{RestartBackoff: time.Minute, MaxRestartBackoff: time.Second}, "max restart backoff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Validate() = %v, want %q", err, tt.want)
			case err != nil && !strings.HasPrefix(err.Error(), "pluginhost: "):
				t.Errorf("error %q lacks the package prefix", err)
			}
			if _, nerr := New(tt.cfg, nil); (nerr == nil) != (err == nil) {
				t.Errorf("New() = %v, Validate() = %v", nerr, err)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	var c Config
	c.setDefaults()
	if c.CallTimeout != 10*time.Second || c.PlanTimeout != 5*time.Minute || c.RestartBackoff != 500*time.Millisecond ||
		c.MaxRestartBackoff != 30*time.Second || c.MaxRestarts != DefaultMaxRestarts {
		t.Errorf("defaults = %+v", c)
	}
}

func TestBackoff(t *testing.T) {
	cfg := Config{RestartBackoff: 500 * time.Millisecond, MaxRestartBackoff: 30 * time.Second}
	want := []time.Duration{500 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second}
	for failures, w := range want {
		if got := backoff(cfg, failures); got != w {
			t.Errorf("backoff(%d) = %s, want %s", failures, got, w)
		}
	}
	if got := backoff(cfg, 50); got != 30*time.Second {
		t.Errorf("backoff(50) = %s, want the 30s cap", got)
	}
}

func TestValidName(t *testing.T) {
	for name, want := range map[string]bool{
		"missing": true, "anime-first": true, "a1": true, "x-2-y": true,
		"": false, "Missing": false, "-a": false, "a-": false, "a--b": false, "1a": false, "a_b": false,
		strings.Repeat("a", 65): false,
	} {
		if got := validName(name); got != want {
			t.Errorf("validName(%q) = %v, want %v", name, got, want)
		}
	}
}
