package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestHelpListsSubcommands: --help (and help, -h) print the subcommands
// and succeed; serve --help prints its flags and succeeds too.
func TestHelpListsSubcommands(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != 0 {
			t.Fatalf("%v exited %d: %s", args, code, errOut.String())
		}
		for _, sub := range []string{"serve", "migrate", "plugins list", "user create", "healthcheck", "version", "http://localhost:7337/"} {
			if !strings.Contains(out.String(), sub) {
				t.Errorf("%v does not mention %q:\n%s", args, sub, out.String())
			}
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"serve", "--help"}, &out, &errOut); code != 0 || strings.Contains(errOut.String(), "searcharr:") {
		t.Errorf("serve --help exited %d: %s", code, errOut.String())
	}
}

func TestUIURL(t *testing.T) {
	for _, tc := range []struct{ base, listen, want string }{
		{"", ":7337", "http://localhost:7337/"},
		{"", "0.0.0.0:7337", "http://localhost:7337/"},
		{"", "[::]:7337", "http://localhost:7337/"},
		{"", "127.0.0.1:8000", "http://127.0.0.1:8000/"},
		{"", "[::1]:8000", "http://[::1]:8000/"},
		{"https://media.example.com/searcharr/", ":7337", "https://media.example.com/searcharr/"},
		{"http://nas.lan:7337", ":7337", "http://nas.lan:7337/"},
	} {
		if got := uiURL(tc.base, tc.listen); got != tc.want {
			t.Errorf("uiURL(%q, %q) = %q, want %q", tc.base, tc.listen, got, tc.want)
		}
	}
}
