package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/auth"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/engine"
	"github.com/vibequality/searcharr/core/library"
	"github.com/vibequality/searcharr/core/pluginhost"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/sdk"
)

// planScenario is one strategy configuration to plan with.
type planScenario struct {
	strategy string
	label    string
	config   string
	// sortable is true when the order maps onto the arr's own sort, so
	// the strategy should read only the pages it needs.
	sortable bool
}

var planScenarios = []planScenario{
	{"missing", "oldest_aired", `{"order":"oldest_aired"}`, true},
	{"missing", "newest_aired", `{"order":"newest_aired"}`, true},
	{"missing", "least_recently_searched", `{"order":"least_recently_searched"}`, true},
	{"missing", "recently_added", `{"order":"recently_added"}`, false},
	{"missing", "random", `{"order":"random","seed":7}`, false},
	{"missing", "oldest_aired, season", `{"order":"oldest_aired","grouping":"season"}`, true},
	{"cutoff", "oldest_aired", `{"order":"oldest_aired"}`, true},
	{"cutoff", "random", `{"order":"random","seed":7}`, false},
	{"recent", "default", `{}`, true},
	{"custom", "priority", `{"source":"missing","priority":"days_since_aired"}`, false},
}

type planOptions struct {
	searcharr, fakearr string
	episodes, budget   int
	missingRatio       float64
	seed               int64
	pageSize           int
}

func runPlan(ctx context.Context, args []string, out io.Writer) error {
	var o planOptions
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.StringVar(&o.searcharr, "searcharr", "bin/searcharr", "the searcharr binary (plugins run as \"searcharr plugin serve NAME\")")
	fs.StringVar(&o.fakearr, "fakearr", "bin/fakearr", "the fakearr binary")
	fs.IntVar(&o.episodes, "episodes", 100000, "episodes of the simulated Sonarr")
	fs.Float64Var(&o.missingRatio, "missing-ratio", 0.425, "share of aired episodes without a file")
	fs.IntVar(&o.budget, "budget", 50, "items (and indexer searches) per run")
	fs.Int64Var(&o.seed, "seed", 1, "simulator seed")
	fs.IntVar(&o.pageSize, "page-size", 250, "the strategies' wanted page size (their default)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	sim, err := startFakearr(ctx, o)
	if err != nil {
		return err
	}
	defer sim.stop()
	client, err := arr.New(arr.Config{Kind: domain.KindSonarr, URL: sim.url, APIKey: sim.apiKey, Timeout: time.Minute})
	if err != nil {
		return err
	}
	missing, err := client.WantedMissing(ctx, arr.WantedQuery{Page: 1, PageSize: 0})
	if err != nil {
		return fmt.Errorf("simulate: read the wanted list: %w", err)
	}

	dir, err := os.MkdirTemp("", "searcharr-plan-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	key, err := auth.LoadOrCreateKey(dir, "", "")
	if err != nil {
		return err
	}
	box, err := auth.NewSecretBox(key)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, store.Options{DataDir: dir, Sealer: box})
	if err != nil {
		return err
	}
	defer st.Close()
	user, err := st.Users().Create(ctx, domain.User{Username: "bench", PasswordHash: "x"})
	if err != nil {
		return err
	}
	inst, err := st.Instances().Create(ctx, domain.Instance{
		OwnerID: user.ID, Name: "sonarr", Kind: domain.KindSonarr, URL: sim.url, TimeoutSeconds: 60,
	}, domain.Secret(sim.apiKey))
	if err != nil {
		return err
	}

	host, err := pluginhost.New(pluginhost.Config{SelfPath: o.searcharr, BuiltIns: []string{"missing", "cutoff", "recent", "custom"}}, log)
	if err != nil {
		return err
	}
	if err := host.Start(ctx); err != nil {
		return err
	}
	defer host.Close()
	cache := library.NewCache(time.Hour, nil)
	libs := benchLibraries{client: client, st: st, cache: cache}
	eng, err := engine.New(engine.Deps{Store: st, Planner: host, Libraries: libs, Waker: noWaker{}, Logger: log}, engine.Config{})
	if err != nil {
		return err
	}

	fmt.Fprintf(out, "library: %d episodes, %d monitored missing; budget %d items per run; strategy page size %d\n\n",
		o.episodes, missing.TotalRecords, o.budget, o.pageSize)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(tw, "strategy\torder\tcache\twall ms\thost CPU ms\tplugin CPU ms\thost peak MiB\tplugin peak MiB\tarr requests\tlimit\tselected\t")
	for _, sc := range planScenarios {
		pid := pluginPID(host, sc.strategy)
		if pid == 0 {
			fmt.Fprintf(tw, "%s\t%s\t-\t-\t-\t-\t-\t-\t-\t-\tnot built in\t\n", sc.strategy, sc.label)
			continue
		}
		if err := host.Validate(ctx, sc.strategy, json.RawMessage(sc.config)); err != nil {
			fmt.Fprintf(tw, "%s\t%s\t-\t-\t-\t-\t-\t-\t-\t-\tconfig refused\t\n", sc.strategy, sc.label)
			log.Warn("config refused", "strategy", sc.strategy, "error", err)
			continue
		}
		q, err := st.Queues().Create(ctx, domain.Queue{
			InstanceID: inst.ID, Name: sc.strategy + " " + sc.label, Strategy: sc.strategy,
			Config: json.RawMessage(sc.config), MaxItemsPerRun: o.budget, CooldownHours: 24, IsActive: true,
		})
		if err != nil {
			return err
		}
		cache.Invalidate(inst.ID)
		for _, pass := range []string{"cold", "warm"} {
			if err := sim.resetRequests(); err != nil {
				return err
			}
			self, plug := strconv.Itoa(os.Getpid()), strconv.Itoa(pid)
			resetPeak(self)
			resetPeak(plug)
			hostCPU, plugCPU := selfCPU(), procCPU(pid)
			start := time.Now()
			run, _, err := eng.Preview(ctx, q.ID, engine.PreviewOptions{})
			wall := time.Since(start)
			hostCPU, plugCPU = selfCPU()-hostCPU, procCPU(pid)-plugCPU
			if err != nil {
				return fmt.Errorf("simulate: %s %s: %w", sc.strategy, sc.label, err)
			}
			n, err := sim.requests()
			if err != nil {
				return err
			}
			limit := "-"
			if sc.sortable {
				limit = strconv.Itoa(int(math.Ceil(float64(o.budget)/float64(o.pageSize))) + 3)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%.0f\t%.0f\t%d\t%s\t%d\t\n", sc.strategy, sc.label, pass,
				wall.Milliseconds(), hostCPU.Milliseconds(), plugCPU.Milliseconds(), peakRSS(self), peakRSS(plug),
				n, limit, run.Counts.ItemsSelected)
		}
	}
	return tw.Flush()
}

func pluginPID(h *pluginhost.Host, name string) int {
	for _, p := range h.Processes() {
		if p.Name == name {
			return p.PID
		}
	}
	return 0
}

// benchLibraries opens Libraries over one client, with the shared cache.
type benchLibraries struct {
	client *arr.Client
	st     *store.Store
	cache  *library.Cache
}

func (l benchLibraries) Library(ctx context.Context, inst domain.Instance) (sdk.Library, error) {
	return library.New(l.client, l.st, inst.ID).WithCache(l.cache), nil
}

type noWaker struct{}

func (noWaker) Wake(int64) {}

// fakearrProc is a simulator running in its own process, so that its CPU
// and memory are not the host's.
type fakearrProc struct {
	cmd    *exec.Cmd
	origin string
	url    string
	apiKey string
}

func startFakearr(ctx context.Context, o planOptions) (*fakearrProc, error) {
	cmd := exec.CommandContext(ctx, o.fakearr, "--listen", "127.0.0.1:0", "--sonarr", "1", "--radarr", "0",
		"--episodes", strconv.Itoa(o.episodes), "--missing-ratio", strconv.FormatFloat(o.missingRatio, 'f', -1, 64),
		"--seed", strconv.FormatInt(o.seed, 10), "--log-level", "error")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("simulate: start fakearr: %w", err)
	}
	var info struct {
		URL    string `json:"url"`
		APIKey string `json:"apiKey"`
	}
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	if err == nil {
		err = json.Unmarshal(line, &info)
	}
	if err != nil {
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("simulate: read fakearr's instance: %w", err)
	}
	origin := info.URL[:strings.Index(info.URL[len("http://"):], "/")+len("http://")]
	return &fakearrProc{cmd: cmd, origin: origin, url: info.URL, apiKey: info.APIKey}, nil
}

func (f *fakearrProc) stop() {
	_ = f.cmd.Process.Kill()
	_ = f.cmd.Wait()
}

func (f *fakearrProc) resetRequests() error {
	req, _ := http.NewRequest(http.MethodDelete, f.origin+"/__fakearr/requests", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// requests counts the requests the simulator logged since the last reset.
func (f *fakearrProc) requests() (int, error) {
	resp, err := http.Get(f.origin + "/__fakearr/requests")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var log []json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&log); err != nil {
		return 0, errors.Join(errors.New("simulate: read the request log"), err)
	}
	return len(log), nil
}
