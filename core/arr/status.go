package arr

import (
	"context"
	"io"
	"strings"
	"time"
)

// SystemStatus reads /system/status. It does not check the appName; Test
// does.
func (c *Client) SystemStatus(ctx context.Context) (SystemStatus, error) {
	var st SystemStatus
	err := c.get(ctx, "/system/status", nil, func(r io.Reader) error { return decodeOne(r, &st) })
	return st, err
}

// TestResult is what a successful connection test found.
type TestResult struct {
	// App is the appName the instance reported ("Sonarr", "Radarr").
	App string
	// Version is the application version, e.g. "4.0.19.2979".
	Version string
	// InstanceName is the name set in the application's settings.
	InstanceName string
	// Latency is how long the status call took.
	Latency time.Duration
}

// Test checks that the URL reaches the configured kind of application and
// that the API key is accepted. An instance of the other application, or
// anything that is not Sonarr/Radarr, gives an error matching ErrWrongApp.
func (c *Client) Test(ctx context.Context) (TestResult, error) {
	start := time.Now()
	st, err := c.SystemStatus(ctx)
	if err != nil {
		return TestResult{}, err
	}
	res := TestResult{App: st.AppName, Version: st.Version, InstanceName: st.InstanceName, Latency: time.Since(start)}
	if !strings.EqualFold(st.AppName, c.app) {
		found := st.AppName
		if found == "" {
			found = "an application without an appName"
		}
		return res, &Error{Kind: KindWrongApp, Op: "GET " + apiPrefix + "/system/status",
			Message: "expected " + c.app + ", found " + found,
			Hint:    "point the URL at " + c.app + ", or change the instance kind"}
	}
	return res, nil
}
