package main

import (
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/arr/fakearr"
	"github.com/vibequality/searcharr/core/domain"
)

// TestStaticBinaryInEmptyRoot starts the static binary the way the
// container image does, in a root holding nothing but the binary, a CA
// bundle, /config and /tmp (no /proc, /etc/passwd, zoneinfo or shell): it
// serves /health with its built-in plugins running, reaches a Sonarr
// simulator over HTTPS that only the bundle's CA vouches for, writes its
// data in /config, logs times in the configured TZ, and its healthcheck
// and version subcommands work there too.
func TestStaticBinaryInEmptyRoot(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the static binary; skipped with -short")
	}
	if os.Geteuid() != 0 {
		t.Skip("chroot needs root: run this test as root to check the static binary in an empty root")
	}
	root := t.TempDir()
	for _, d := range []struct {
		path string
		mode os.FileMode
	}{{"config", 0o700}, {"tmp", 0o777 | os.ModeSticky}, {"etc/ssl/certs", 0o755}} {
		p := filepath.Join(root, d.path)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, d.mode); err != nil {
			t.Fatal(err)
		}
	}
	build := exec.Command("go", "build", "-ldflags",
		"-X main.Version=0.0.0-chroot -X main.Commit=c0ffee -X main.Date=2026-01-02T03:04:05Z",
		"-o", filepath.Join(root, "searcharr"), "github.com/vibequality/searcharr/cmd/searcharr")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// A Sonarr simulator behind TLS; the root's only CA is the one that
	// signed its certificate.
	const apiKey = "0123456789abcdef0123456789abcdef"
	sim, err := fakearr.New(fakearr.Config{Instances: []fakearr.InstanceConfig{{Kind: domain.KindSonarr, Name: "sonarr", APIKey: apiKey}}})
	if err != nil {
		t.Fatal(err)
	}
	arr := httptest.NewTLSServer(sim)
	defer arr.Close()
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: arr.Certificate().Raw})
	if err := os.WriteFile(filepath.Join(root, "etc/ssl/certs/ca-certificates.crt"), caPEM, 0o644); err != nil {
		t.Fatal(err)
	}

	addr := freePort(t)
	env := []string{"SEARCHARR_DATA_DIR=/config", "SEARCHARR_LISTEN=" + addr, "TZ=Asia/Tokyo"}
	chrooted := func(args ...string) *exec.Cmd {
		cmd := exec.Command("/searcharr", args...)
		cmd.Dir = "/"
		cmd.Env = env // nothing of this process's environment
		cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root}
		return cmd
	}

	out, err := chrooted("version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "searcharr 0.0.0-chroot (commit c0ffee, built 2026-01-02T03:04:05Z") {
		t.Fatalf("version in the empty root: %q, %v", out, err)
	}

	p := &proc{cmd: chrooted("serve")}
	p.cmd.Stdout, p.cmd.Stderr = p, p
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		p.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { p.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			p.cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("--- searcharr output ---\n%s", p.output())
		}
	}()

	c := &client{t: t, base: "http://" + addr}
	var health struct {
		Status  string   `json:"status"`
		Reasons []string `json:"reasons"`
		Plugins struct {
			Count, Running int
		} `json:"plugins"`
	}
	waitUntil(t, "searcharr in the empty root to be healthy with its plugins running", 60*time.Second, func() bool {
		resp, err := http.Get(c.base + "/health")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode == http.StatusOK && json.Unmarshal(b, &health) == nil &&
			health.Status == "healthy" && health.Plugins.Count > 0 && health.Plugins.Running == health.Plugins.Count
	})

	if out, err := chrooted("healthcheck").CombinedOutput(); err != nil {
		t.Errorf("healthcheck in the empty root: %v: %s", err, out)
	}

	creds := map[string]string{"username": "admin", "password": "correct horse battery staple"}
	c.do("POST", "/api/auth/register", creds, &map[string]any{})
	var login struct {
		AccessToken string `json:"access_token"`
	}
	c.do("POST", "/api/auth/login", creds, &login)
	c.token = login.AccessToken
	var conn struct {
		Success bool   `json:"success"`
		App     string `json:"app"`
		Version string `json:"version"`
	}
	c.do("POST", "/api/instances/test", map[string]any{"url": arr.URL + "/sonarr", "api_key": apiKey, "verify_tls": true}, &conn)
	if !conn.Success || conn.App != "Sonarr" {
		t.Errorf("connection test over HTTPS from the empty root: %+v", conn)
	}

	resp, err := http.Get(c.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := `searcharr_build_info{commit="c0ffee",date="2026-01-02T03:04:05Z",`; !strings.Contains(string(metrics), want) ||
		!strings.Contains(string(metrics), `version="0.0.0-chroot"} 1`) {
		t.Errorf("/metrics lacks the build info of the stamped build")
	}

	// Times are logged in Asia/Tokyo, from the tzdata compiled in: the
	// root has no zoneinfo.
	started := regexp.MustCompile(`time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+09:00 level=INFO msg="searcharr started"`)
	if !started.MatchString(p.output()) {
		t.Errorf("the start line is not logged at +09:00 (TZ=Asia/Tokyo)")
	}
	entries, _ := os.ReadDir(filepath.Join(root, "config"))
	if len(entries) == 0 {
		t.Error("nothing written in /config")
	}
}
