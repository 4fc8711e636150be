package config

import (
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(nil, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != ":7337" || c.DataDir != "./data" || c.DatabaseURL != "" || c.LogFormat != "text" {
		t.Fatalf("defaults: %+v", c)
	}
	if c.DispatchLease != 30*time.Second || c.PluginPlanTimeout != 5*time.Minute || c.PluginHangTimeout != 30*time.Second {
		t.Fatalf("default lease and plugin timeouts: %+v", c)
	}
}

func TestLoadLeaseAndPluginTimeouts(t *testing.T) {
	env := envOf(map[string]string{
		"SEARCHARR_DISPATCH_LEASE":      "3s",
		"SEARCHARR_PLUGIN_PLAN_TIMEOUT": "90s",
		"SEARCHARR_PLUGIN_HANG_TIMEOUT": "20s",
	})
	c, err := Load([]string{"--plugin-hang-timeout", "5s"}, env)
	if err != nil {
		t.Fatal(err)
	}
	if c.DispatchLease != 3*time.Second || c.PluginPlanTimeout != 90*time.Second || c.PluginHangTimeout != 5*time.Second {
		t.Fatalf("lease and plugin timeouts = %s, %s, %s", c.DispatchLease, c.PluginPlanTimeout, c.PluginHangTimeout)
	}
}

func TestLoadBlockPrivateURLs(t *testing.T) {
	for _, tc := range []struct {
		env  string
		args []string
		want bool
	}{
		{"", nil, false},
		{"true", nil, true},
		{"1", nil, true},
		{"false", []string{"--block-private-urls"}, true},
		{"true", []string{"--block-private-urls=false"}, false},
	} {
		c, err := Load(tc.args, envOf(map[string]string{"SEARCHARR_BLOCK_PRIVATE_URLS": tc.env}))
		if err != nil || c.BlockPrivateURLs != tc.want {
			t.Errorf("env %q args %v: BlockPrivateURLs = %v, %v; want %v", tc.env, tc.args, c.BlockPrivateURLs, err, tc.want)
		}
	}
}

func TestLoadPrecedence(t *testing.T) {
	env := envOf(map[string]string{
		"SEARCHARR_LISTEN":           "127.0.0.1:9000",
		"SEARCHARR_DATABASE_URL":     "postgres://u:hunter2@db/searcharr",
		"SEARCHARR_LOG_FORMAT":       "json",
		"SEARCHARR_TRUSTED_PROXIES":  "10.0.0.1, 192.168.0.0/16",
		"SEARCHARR_SHUTDOWN_TIMEOUT": "5s",
	})
	c, err := Load([]string{"--listen", "127.0.0.1:9100"}, env)
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:9100" {
		t.Errorf("flag must win over env: %q", c.Listen)
	}
	if c.LogFormat != "json" || len(c.TrustedProxies) != 2 || c.ShutdownTimeout != 5*time.Second {
		t.Errorf("env not applied: %+v", c)
	}
}

func TestLoadRejectsBadInput(t *testing.T) {
	cases := []struct {
		name  string
		env   map[string]string
		field string
	}{
		{"listen", map[string]string{"SEARCHARR_LISTEN": "nonsense"}, "listen"},
		{"database", map[string]string{"SEARCHARR_DATABASE_URL": "mysql://u:hunter2@x/db"}, "database-url"},
		{"level", map[string]string{"SEARCHARR_LOG_LEVEL": "loud"}, "log-level"},
		{"format", map[string]string{"SEARCHARR_LOG_FORMAT": "xml"}, "log-format"},
		{"proxies", map[string]string{"SEARCHARR_TRUSTED_PROXIES": "nowhere"}, "trusted-proxies"},
		{"pins", map[string]string{"SEARCHARR_PLUGIN_PINS": "a=12"}, "plugin-pins"},
		{"base", map[string]string{"SEARCHARR_BASE_URL": "/relative"}, "base-url"},
		{"lease", map[string]string{"SEARCHARR_DISPATCH_LEASE": "100ms"}, "dispatch-lease"},
		{"lease unit", map[string]string{"SEARCHARR_DISPATCH_LEASE": "30"}, "dispatch-lease"},
		{"plan timeout", map[string]string{"SEARCHARR_PLUGIN_PLAN_TIMEOUT": "-1m"}, "plugin-plan-timeout"},
		{"hang timeout", map[string]string{"SEARCHARR_PLUGIN_HANG_TIMEOUT": "0s"}, "plugin-hang-timeout"},
		{"block private", map[string]string{"SEARCHARR_BLOCK_PRIVATE_URLS": "sometimes"}, "block-private-urls"},
		{"hang over plan", map[string]string{"SEARCHARR_PLUGIN_HANG_TIMEOUT": "2m", "SEARCHARR_PLUGIN_PLAN_TIMEOUT": "1m"}, "plugin-hang-timeout"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(nil, envOf(tc.env))
			if err == nil || !strings.Contains(err.Error(), tc.field) {
				t.Fatalf("want an error naming %s, got %v", tc.field, err)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("error leaks a password: %v", err)
			}
		})
	}
}

func TestLoadRetention(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, err := Load(nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.HistoryRetention != 90*24*time.Hour || c.WebhookRetention != 7*24*time.Hour || c.EventRetention != 24*time.Hour {
		t.Fatalf("default retention = %s, %s, %s", c.HistoryRetention, c.WebhookRetention, c.EventRetention)
	}
	c, err = Load([]string{"--history-retention", "0", "--webhook-retention", "2d"}, env(map[string]string{"SEARCHARR_EVENT_RETENTION": "2h"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.HistoryRetention != 0 || c.WebhookRetention != 48*time.Hour || c.EventRetention != 2*time.Hour {
		t.Fatalf("retention = %s, %s, %s", c.HistoryRetention, c.WebhookRetention, c.EventRetention)
	}
	for _, args := range [][]string{{"--history-retention", "7d"}, {"--event-retention", "10s"}, {"--webhook-retention", "-1h"}} {
		if _, err := Load(args, env(nil)); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
