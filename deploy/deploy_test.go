// Package deploy holds the service files: the systemd unit and the Unraid
// template. Its tests check that they are valid and say what the README
// says they do.
package deploy

import (
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSystemdUnit: the unit passes systemd-analyze verify and keeps its
// sandbox: a user of its own, a read-only system, a state directory as
// the data directory.
func TestSystemdUnit(t *testing.T) {
	b, err := os.ReadFile("searcharr.service")
	if err != nil {
		t.Fatal(err)
	}
	unit := string(b)
	for _, want := range []string{
		"ExecStart=/usr/local/bin/searcharr serve",
		"DynamicUser=yes", "StateDirectory=searcharr", "StateDirectoryMode=0700",
		"Environment=SEARCHARR_DATA_DIR=%S/searcharr",
		"ProtectSystem=strict", "ProtectHome=yes", "NoNewPrivileges=yes", "PrivateTmp=yes",
		"CapabilityBoundingSet=\n", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
	} {
		if !strings.Contains(unit, want) {
			t.Errorf("searcharr.service lacks %q", want)
		}
	}

	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed: the unit's syntax is not verified")
	}
	// verify needs ExecStart to exist: point it at any executable.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "searcharr.service")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(unit, "/usr/local/bin/searcharr", self)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil || strings.Contains(string(out), "searcharr.service") {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

type unraidTemplate struct {
	Name       string `xml:"Name"`
	Repository string `xml:"Repository"`
	WebUI      string `xml:"WebUI"`
	Configs    []struct {
		Name    string `xml:"Name,attr"`
		Target  string `xml:"Target,attr"`
		Type    string `xml:"Type,attr"`
		Default string `xml:"Default,attr"`
		Value   string `xml:",chardata"`
	} `xml:"Config"`
}

// TestUnraidTemplate: the template maps the web port, /config and the
// settings a user must see.
func TestUnraidTemplate(t *testing.T) {
	b, err := os.ReadFile("unraid/searcharr.xml")
	if err != nil {
		t.Fatal(err)
	}
	var tpl unraidTemplate
	if err := xml.Unmarshal(b, &tpl); err != nil {
		t.Fatalf("unraid/searcharr.xml: %v", err)
	}
	if tpl.Name != "searcharr" || !strings.Contains(tpl.Repository, "searcharr") || tpl.WebUI != "http://[IP]:[PORT:7337]/" {
		t.Errorf("name %q repository %q web UI %q", tpl.Name, tpl.Repository, tpl.WebUI)
	}
	want := map[string]string{"7337": "Port", "/config": "Path", "SEARCHARR_BASE_URL": "Variable", "TZ": "Variable"}
	for _, c := range tpl.Configs {
		if typ, ok := want[c.Target]; ok && typ == c.Type {
			delete(want, c.Target)
		}
	}
	if len(want) > 0 {
		t.Errorf("template lacks %v", want)
	}
}
