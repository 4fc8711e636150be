package config

import (
	"strings"
	"testing"
)

func TestMetricsToken(t *testing.T) {
	const token = "s3cret-metrics-token-0123"
	c, err := Load(nil, envOf(map[string]string{"SEARCHARR_METRICS_TOKEN": token}))
	if err != nil || c.MetricsToken != token {
		t.Fatalf("env token: %q, %v", c.MetricsToken, err)
	}
	c, err = Load([]string{"--metrics-token", token + "-flag"}, envOf(map[string]string{"SEARCHARR_METRICS_TOKEN": token}))
	if err != nil || c.MetricsToken != token+"-flag" {
		t.Fatalf("flag must win over env: %q, %v", c.MetricsToken, err)
	}
	if c, err := Load(nil, envOf(nil)); err != nil || c.MetricsToken != "" {
		t.Fatalf("default must be empty (public /metrics): %q, %v", c.MetricsToken, err)
	}
	for _, bad := range []string{"short-hunter2", "hunter2 with spaces in it", "hunter2\twith-a-tab-inside"} {
		_, err := Load(nil, envOf(map[string]string{"SEARCHARR_METRICS_TOKEN": bad}))
		if err == nil || !strings.Contains(err.Error(), "metrics-token") {
			t.Errorf("token %q: want an error naming metrics-token, got %v", bad, err)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error shows the token: %v", err)
		}
	}
}
