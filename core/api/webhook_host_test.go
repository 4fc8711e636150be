package api

import "testing"

func TestIsLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost:7337": true, "LOCALHOST": true, "127.0.0.1:7337": true, "127.1.2.3": true,
		"[::1]:7337": true, "::1": true, "0.0.0.0:7337": true, "app.localhost:80": true,
		"192.168.1.10:7337": false, "searcharr:7337": false, "example.org": false, "[fd00::1]:7337": false,
	} {
		if got := isLoopbackHost(host); got != want {
			t.Errorf("isLoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}
