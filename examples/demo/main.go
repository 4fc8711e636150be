// Command demo shows Searcharr at work without a real Sonarr or Radarr: it
// starts the simulator (fakearr) with a generated library, starts Searcharr
// on a temporary SQLite database, creates a demo user, a Sonarr and a Radarr
// instance and a "missing" queue for each, starts both queues, and prints
// every search command the simulated apps receive. Ctrl-C stops everything.
//
// It talks to both programs only over HTTP, as a user's scripts would.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

const (
	demoUser     = "demo"
	demoPassword = "tulip orbit canyon 42"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run() error {
	searcharr := flag.String("searcharr", "bin/searcharr", "searcharr binary")
	fakearr := flag.String("fakearr", "bin/fakearr", "fakearr binary")
	pluginDir := flag.String("plugin-dir", "bin/plugins", "third-party plugin directory")
	listen := flag.String("listen", "", "address Searcharr listens on (default: a free port from 127.0.0.1:7338 up, so a running `make run` on 7337 is left alone)")
	flag.Parse()
	if *listen == "" {
		addr, err := freeAddr()
		if err != nil {
			return err
		}
		*listen = addr
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	dir, err := os.MkdirTemp("", "searcharr-demo")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	sims, simCmd, err := startSimulator(*fakearr)
	if err != nil {
		return err
	}
	defer terminate(simCmd)

	logPath := filepath.Join(dir, "searcharr.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logFile.Close()
	server := exec.Command(*searcharr, "serve")
	server.Env = append(os.Environ(),
		"SEARCHARR_LISTEN="+*listen,
		"SEARCHARR_DATA_DIR="+filepath.Join(dir, "data"),
		"SEARCHARR_DATABASE_URL=",
		"SEARCHARR_PLUGIN_DIR="+*pluginDir,
	)
	server.Stdout, server.Stderr = logFile, logFile
	if err := server.Start(); err != nil {
		return fmt.Errorf("start searcharr: %w", err)
	}
	defer terminate(server)

	api := &client{base: "http://" + *listen}
	if err := api.waitHealthy(ctx); err != nil {
		return fmt.Errorf("%w (log: %s)", err, logPath)
	}
	fmt.Printf("Searcharr is up at %s (log: %s)\n", api.base, logPath)
	creds := map[string]string{"username": demoUser, "password": demoPassword}
	if err := api.call("POST", "/api/auth/register", creds, nil); err != nil {
		return err
	}
	var login struct {
		AccessToken string `json:"access_token"`
	}
	if err := api.call("POST", "/api/auth/login", creds, &login); err != nil {
		return err
	}
	api.token = login.AccessToken

	for _, sim := range sims {
		var inst struct {
			ID int64 `json:"id"`
		}
		if err := api.call("POST", "/api/instances", map[string]any{
			"name": sim.Name, "kind": sim.Kind, "url": sim.URL, "api_key": sim.APIKey,
			"rate_per_second": 1, "burst": 2,
		}, &inst); err != nil {
			return err
		}
		var q struct {
			ID int64 `json:"id"`
		}
		if err := api.call("POST", "/api/search-queues", map[string]any{
			"instance_id": inst.ID, "name": "Missing " + sim.Name, "strategy": "missing",
			"recurring": true, "interval_hours": 24, "max_items_per_run": 10,
			"filters": map[string]any{"order": "oldest_aired"},
		}, &q); err != nil {
			return err
		}
		if err := api.call("POST", fmt.Sprintf("/api/search-queues/%d/start", q.ID), nil, nil); err != nil {
			return err
		}
		fmt.Printf("Queue %d searches %s (%s) at 1 command/s\n", q.ID, sim.Name, sim.URL)
	}
	fmt.Printf("\nOpen %s/ and log in as %q with the password %q to watch it in the web UI.\n", api.base, demoUser, demoPassword)
	fmt.Println("Commands received by the simulated apps (Ctrl-C to stop):")
	return followCommands(ctx, controlURL(sims[0].URL))
}

// freeAddr picks the first free port from 7338 up, next to the default
// 7337 of `make run`, and lets the system pick one if none is free.
func freeAddr() (string, error) {
	for port := 7338; port < 7358; port++ {
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		if l, err := net.Listen("tcp", addr); err == nil {
			l.Close()
			return addr, nil
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

type simInstance struct {
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	URL    string `json:"url"`
	APIKey string `json:"apiKey"`
}

func startSimulator(path string) ([]simInstance, *exec.Cmd, error) {
	cmd := exec.Command(path, "--listen", "127.0.0.1:0", "--sonarr", "1", "--radarr", "1",
		"--episodes", "3000", "--movies", "600", "--command-duration", "3s", "--import-delay", "30s")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("start fakearr: %w", err)
	}
	var sims []simInstance
	sc := bufio.NewScanner(out)
	for len(sims) < 2 && sc.Scan() {
		var s simInstance
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			terminate(cmd)
			return nil, nil, fmt.Errorf("fakearr printed %q: %w", sc.Text(), err)
		}
		sims = append(sims, s)
	}
	if len(sims) < 2 {
		terminate(cmd)
		return nil, nil, errors.New("fakearr did not report its instances")
	}
	go io.Copy(io.Discard, out)
	return sims, cmd, nil
}

func controlURL(instanceURL string) string {
	u, _ := url.Parse(instanceURL)
	return "http://" + u.Host
}

// followCommands prints each command POST in the simulator's request log.
func followCommands(ctx context.Context, control string) error {
	var after int64
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			fmt.Println("\nstopping")
			return nil
		case <-tick.C:
		}
		resp, err := http.Get(fmt.Sprintf("%s/__fakearr/requests?after=%d", control, after))
		if err != nil {
			return err
		}
		var reqs []struct {
			Seq      int64     `json:"seq"`
			Time     time.Time `json:"time"`
			Instance string    `json:"instance"`
			Method   string    `json:"method"`
			Path     string    `json:"path"`
			Body     string    `json:"body"`
		}
		err = json.NewDecoder(resp.Body).Decode(&reqs)
		resp.Body.Close()
		if err != nil {
			return err
		}
		for _, r := range reqs {
			after = max(after, r.Seq)
			if r.Method == http.MethodPost && filepath.Base(r.Path) == "command" {
				fmt.Printf("%s  %-7s %s\n", r.Time.Local().Format("15:04:05.000"), r.Instance, r.Body)
			}
		}
	}
}

type client struct {
	base  string
	token string
}

func (c *client) waitHealthy(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(c.base + "/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return errors.New("searcharr did not become healthy")
}

func (c *client) call(method, path string, body, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(b))
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func terminate(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}
