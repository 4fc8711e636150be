package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/store/storetest"
)

// binaries are built once per test binary, in TestMain.
var binaries struct {
	dir       string
	searcharr string
	fakearr   string
	pluginDir string
}

func TestMain(m *testing.M) {
	code := func() int {
		flag.Parse()
		if testing.Short() {
			return m.Run()
		}
		dir, err := os.MkdirTemp("", "searcharr-e2e-bin")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		binaries.dir = dir
		binaries.searcharr = filepath.Join(dir, "searcharr")
		binaries.fakearr = filepath.Join(dir, "fakearr")
		binaries.pluginDir = filepath.Join(dir, "plugins")
		for _, b := range []struct{ out, pkg string }{
			{binaries.searcharr, "github.com/vibequality/searcharr/cmd/searcharr"},
			{binaries.fakearr, "github.com/vibequality/searcharr/cmd/fakearr"},
			{filepath.Join(binaries.pluginDir, "fewest-searches"), "github.com/vibequality/searcharr/examples/fewest-searches"},
		} {
			cmd := exec.Command("go", "build", "-o", b.out, b.pkg)
			cmd.Stderr = os.Stderr
			if err := cmd.Run(); err != nil {
				fmt.Fprintf(os.Stderr, "build %s: %v\n", b.pkg, err)
				return 1
			}
		}
		defer stopBrowser()
		return m.Run()
	}()
	os.Exit(code)
}

// proc is a started process whose output is kept for failure reports.
type proc struct {
	cmd *exec.Cmd
	mu  sync.Mutex
	out bytes.Buffer
}

func (p *proc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

func start(t testing.TB, name string, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(name, args...)}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p, p
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { p.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			p.cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("--- %s output ---\n%s", filepath.Base(name), p.output())
		}
	})
	return p
}

// simInstance is one line fakearr prints.
type simInstance struct {
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	URL    string `json:"url"`
	APIKey string `json:"apiKey"`
}

// startFakearr runs the simulator on a free port and returns its control
// URL and instances.
func startFakearr(t *testing.T, args ...string) (string, []simInstance) {
	t.Helper()
	cmd := exec.Command(binaries.fakearr, append([]string{"--listen", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	var out []simInstance
	sc := bufio.NewScanner(stdout)
	want := 0
	for sc.Scan() {
		var in simInstance
		if err := json.Unmarshal(sc.Bytes(), &in); err != nil {
			t.Fatalf("fakearr printed %q: %v", sc.Text(), err)
		}
		out = append(out, in)
		want++
		if want == countInstances(args) {
			break
		}
	}
	if len(out) == 0 {
		t.Fatalf("fakearr printed no instance: %s", stderr.String())
	}
	go io.Copy(io.Discard, stdout)
	u, _ := url.Parse(out[0].URL)
	return "http://" + u.Host, out
}

func countInstances(args []string) int {
	n := map[string]int{"--sonarr": 1, "--radarr": 1}
	for i := 0; i+1 < len(args); i++ {
		if _, ok := n[args[i]]; ok {
			v, _ := strconv.Atoi(args[i+1])
			n[args[i]] = v
		}
	}
	return n["--sonarr"] + n["--radarr"]
}

func freePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// freshPostgres returns the URL of a fresh schema for one test.
func freshPostgres(t *testing.T) string {
	t.Helper()
	return storetest.PostgresURL(t)
}

// client talks to a running searcharr.
type client struct {
	t     *testing.T
	base  string
	token string
}

func (c *client) do(method, path string, body any, out any) int {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, r)
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	if resp.StatusCode >= 300 && out != nil {
		c.t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return resp.StatusCode
}

// waitUntil polls cond. The timeout only turns a hang into a failure; it is
// stretched threefold because a shared machine running the whole suite can
// be many times slower than the paces under test.
func waitUntil(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// simRequest is one entry of fakearr's request log.
type simRequest struct {
	Time     time.Time `json:"time"`
	Instance string    `json:"instance"`
	Method   string    `json:"method"`
	Path     string    `json:"path"`
	RawQuery string    `json:"rawQuery"`
	Body     string    `json:"body"`
	Status   int       `json:"status"`
}

func simRequests(t *testing.T, control string) []simRequest {
	t.Helper()
	resp, err := http.Get(control + "/__fakearr/requests")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []simRequest
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func commandPosts(reqs []simRequest, instance string) []simRequest {
	var out []simRequest
	for _, r := range reqs {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/api/v3/command") && r.Instance == instance {
			out = append(out, r)
		}
	}
	return out
}

func addFault(t *testing.T, control string, fault map[string]any) {
	t.Helper()
	b, _ := json.Marshal(fault)
	resp, err := http.Post(control+"/__fakearr/faults", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("adding a fault: %d", resp.StatusCode)
	}
}

// childPID finds the process of a built-in plugin started by parent.
func childPID(t testing.TB, parent int, marker string) int {
	t.Helper()
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// The parent pid is the 4th field, after the parenthesised name.
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) < 2 || fields[1] != strconv.Itoa(parent) {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if strings.Contains(strings.ReplaceAll(string(cmdline), "\x00", " "), marker) {
			return pid
		}
	}
	return 0
}
