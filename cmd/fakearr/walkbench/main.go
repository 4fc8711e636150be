// Command walkbench measures a full wanted/missing walk of a large
// simulated Sonarr library.
//
// It builds cmd/fakearr into a temporary directory (or runs the binary given
// with --fakearr), starts it on a loopback port with one Sonarr instance of
// --episodes episodes and no Radarr, then walks the whole monitored
// wanted/missing list with the arr client, once per page size in
// --page-sizes. The callback only counts. For each walk it prints the items
// walked, the requests the simulator logged, the wall time, and the peak
// RSS of this process and of the simulator process during the walk (VmHWM
// from /proc, reset before each walk where the kernel allows it).
//
// Run it from the repository root:
//
//	go run ./cmd/fakearr/walkbench
//
// It stops by itself: the simulator is stopped when the walks are done, and
// everything is bounded by --timeout.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/domain"
)

// fakearrPkg is the simulator's command, built when --fakearr is not given.
const fakearrPkg = "github.com/vibequality/searcharr/cmd/fakearr"

// options are the command-line flags.
type options struct {
	fakearr      string
	episodes     int
	missingRatio float64
	seed         int64
	pageSizes    []int
	timeout      time.Duration
}

func main() {
	o, err := parse(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	if err := run(ctx, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func parse(args []string) (options, error) {
	var o options
	sizes := "1000,100"
	fs := flag.NewFlagSet("walkbench", flag.ContinueOnError)
	fs.StringVar(&o.fakearr, "fakearr", "", "path of a fakearr binary (default: build cmd/fakearr into a temporary directory)")
	fs.IntVar(&o.episodes, "episodes", 100_000, "episodes of the simulated Sonarr library")
	fs.Float64Var(&o.missingRatio, "missing-ratio", 0.3, "share of aired episodes without a file")
	fs.Int64Var(&o.seed, "seed", 1, "seed of the generated library")
	fs.StringVar(&sizes, "page-sizes", sizes, "comma-separated page sizes, one walk each")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Minute, "upper bound of the whole run")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			return o, fmt.Errorf("walkbench: --page-sizes: %q is not a positive number", s)
		}
		o.pageSizes = append(o.pageSizes, n)
	}
	if o.episodes <= 0 || o.timeout <= 0 {
		return o, errors.New("walkbench: --episodes and --timeout must be positive")
	}
	return o, nil
}

// run builds or finds the simulator, starts it, walks once per page size
// and prints the figures.
func run(ctx context.Context, o options, out io.Writer) error {
	bin, built := o.fakearr, false
	if bin == "" {
		dir, err := os.MkdirTemp("", "walkbench-")
		if err != nil {
			return fmt.Errorf("walkbench: temp dir: %w", err)
		}
		defer os.RemoveAll(dir)
		bin = filepath.Join(dir, "fakearr")
		if err := buildFakearr(ctx, bin); err != nil {
			return err
		}
		built = true
	}

	start := time.Now()
	sim, err := startSim(ctx, bin, o)
	if err != nil {
		return err
	}
	defer sim.stop()
	startup := time.Since(start)

	c, err := arr.New(arr.Config{Kind: domain.KindSonarr, URL: sim.url, APIKey: sim.apiKey, Timeout: time.Minute})
	if err != nil {
		return err
	}
	first, err := c.WantedMissing(ctx, arr.WantedQuery{PageSize: 1})
	if err != nil {
		return fmt.Errorf("walkbench: first page: %w", err)
	}

	source := "built from " + fakearrPkg
	if !built {
		source = bin
	}
	fmt.Fprintf(out, "fakearr: %s\n", source)
	fmt.Fprintf(out, "library: 1 Sonarr, %d episodes, missing ratio %.2f, seed %d; wanted/missing (monitored) totalRecords %d\n",
		o.episodes, o.missingRatio, o.seed, first.TotalRecords)
	fmt.Fprintf(out, "simulator: pid %d, ready in %s, peak RSS after generating the library %s\n",
		sim.cmd.Process.Pid, startup.Round(time.Millisecond), mib(procKB(sim.cmd.Process.Pid, "VmHWM")))
	fmt.Fprintf(out, "machine: %s, %d CPUs, %s %s/%s\n", cpuModel(), runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintln(out)
	fmt.Fprintf(out, "%-8s %9s %9s %10s %10s %16s %16s %14s\n",
		"pageSize", "items", "requests", "wall", "items/s", "client peak RSS", "sim peak RSS", "client alloc")

	for _, size := range o.pageSizes {
		r, err := walk(ctx, c, sim, size)
		if err != nil {
			return err
		}
		if r.items != first.TotalRecords {
			return fmt.Errorf("walkbench: pageSize %d walked %d items, the list holds %d", size, r.items, first.TotalRecords)
		}
		fmt.Fprintf(out, "%-8d %9d %9d %10s %10.0f %16s %16s %14s\n",
			size, r.items, r.requests, r.wall.Round(time.Millisecond), float64(r.items)/r.wall.Seconds(),
			mib(r.clientPeakKB), mib(r.simPeakKB), mib(int64(r.allocBytes/1024)))
	}
	if !peakResettable() {
		fmt.Fprintln(out, "\nnote: this kernel does not reset VmHWM; peaks are since process start")
	}
	return nil
}

// result is what one walk measured.
type result struct {
	items, requests         int
	wall                    time.Duration
	clientPeakKB, simPeakKB int64
	allocBytes              uint64
}

// walk walks the whole list once at size and measures it.
func walk(ctx context.Context, c *arr.Client, sim *simProc, size int) (result, error) {
	if err := sim.control(ctx, http.MethodDelete, "/__fakearr/requests", nil); err != nil {
		return result{}, err
	}
	debug.FreeOSMemory()
	resetPeak("self")
	resetPeak(strconv.Itoa(sim.cmd.Process.Pid))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)

	var r result
	start := time.Now()
	err := c.WalkWanted(ctx, arr.ListMissing, arr.WantedQuery{PageSize: size}, func(domain.Item) error {
		r.items++
		return nil
	})
	r.wall = time.Since(start)
	if err != nil {
		return r, fmt.Errorf("walkbench: walk at pageSize %d: %w", size, err)
	}
	runtime.ReadMemStats(&after)
	r.allocBytes = after.TotalAlloc - before.TotalAlloc
	r.clientPeakKB = procKB(os.Getpid(), "VmHWM")
	r.simPeakKB = procKB(sim.cmd.Process.Pid, "VmHWM")

	var reqs []struct {
		Path string `json:"path"`
	}
	if err := sim.control(ctx, http.MethodGet, "/__fakearr/requests?instance="+url.QueryEscape(sim.name), &reqs); err != nil {
		return r, err
	}
	for _, q := range reqs {
		if strings.HasSuffix(q.Path, "/api/v3/wanted/missing") {
			r.requests++
		}
	}
	return r, nil
}

// buildFakearr compiles the simulator into bin with the go tool that runs
// this program, or the one on PATH.
func buildFakearr(ctx context.Context, bin string) error {
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = "go"
	}
	cmd := exec.CommandContext(ctx, goTool, "build", "-o", bin, fakearrPkg)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("walkbench: go build %s (run from inside the module, or pass --fakearr): %w", fakearrPkg, err)
	}
	return nil
}

// simProc is a running fakearr process.
type simProc struct {
	cmd    *exec.Cmd
	done   chan error
	origin string // http://127.0.0.1:port
	name   string
	url    string
	apiKey string
}

// startSim starts bin on a free loopback port and reads the instance line
// it prints.
func startSim(ctx context.Context, bin string, o options) (*simProc, error) {
	cmd := exec.CommandContext(ctx, bin,
		"--listen", "127.0.0.1:0", "--sonarr", "1", "--radarr", "0",
		"--episodes", strconv.Itoa(o.episodes), "--missing-ratio", strconv.FormatFloat(o.missingRatio, 'f', -1, 64),
		"--seed", strconv.FormatInt(o.seed, 10), "--log-level", "warn")
	cmd.Stderr = os.Stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	stdout, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("walkbench: fakearr stdout: %w", err)
	}
	cmd.Stdout = w
	err = cmd.Start()
	_ = w.Close()
	if err != nil {
		_ = stdout.Close()
		return nil, fmt.Errorf("walkbench: start %s: %w", bin, err)
	}
	p := &simProc{cmd: cmd, done: make(chan error, 1)}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		_, _ = io.Copy(io.Discard, stdout)
		_ = stdout.Close()
	}()
	go func() { p.done <- cmd.Wait() }()

	var line string
	select {
	case l, ok := <-lines:
		if !ok {
			p.stop()
			return nil, errors.New("walkbench: fakearr exited without printing its instance")
		}
		line = l
	case <-ctx.Done():
		p.stop()
		return nil, fmt.Errorf("walkbench: waiting for fakearr: %w", ctx.Err())
	}
	var inst struct {
		Name   string `json:"name"`
		URL    string `json:"url"`
		APIKey string `json:"apiKey"`
	}
	if err := json.Unmarshal([]byte(line), &inst); err != nil {
		p.stop()
		return nil, fmt.Errorf("walkbench: fakearr instance line %q: %w", line, err)
	}
	u, err := url.Parse(inst.URL)
	if err != nil || u.Host == "" {
		p.stop()
		return nil, fmt.Errorf("walkbench: fakearr instance url %q", inst.URL)
	}
	p.origin, p.name, p.url, p.apiKey = u.Scheme+"://"+u.Host, inst.Name, inst.URL, inst.APIKey
	return p, nil
}

// stop asks the simulator to end and waits for it, killing it if it does
// not end in time.
func (p *simProc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// control calls the simulator's control API and decodes a JSON answer into
// v when v is not nil.
func (p *simProc) control(ctx context.Context, method, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, method, p.origin+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("walkbench: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("walkbench: %s %s: status %d", method, path, resp.StatusCode)
	}
	if v == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("walkbench: %s %s: %w", method, path, err)
	}
	return nil
}
