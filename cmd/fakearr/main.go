// Command fakearr runs simulated Sonarr and Radarr instances on one
// listener, for demos, end-to-end tests and benchmarks. It prints one JSON
// line per instance (kind, name, url, apiKey) and serves until SIGINT or
// SIGTERM. The control API is under /__fakearr/ (see package fakearr).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/vibequality/searcharr/core/arr/fakearr"
	"github.com/vibequality/searcharr/core/domain"
)

// options are the command-line flags.
type options struct {
	listen          string
	sonarr, radarr  int
	episodes        int
	series          int
	movies          int
	missingRatio    float64
	cutoffRatio     float64
	findChance      float64
	seed            int64
	indexerLimit    int
	commandDuration time.Duration
	importDelay     time.Duration
	availability    int
	webhookURL      string
	webhookMethod   string
	webhookUser     string
	webhookPass     string
	errorRate       float64
	latency         time.Duration
	apiKey          string
	logLevel        string
}

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// parse reads the flags.
func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("fakearr", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8989", "address to listen on (port 0 picks a free port)")
	fs.IntVar(&o.sonarr, "sonarr", 1, "number of Sonarr instances (/sonarr, /sonarr2, ...)")
	fs.IntVar(&o.radarr, "radarr", 1, "number of Radarr instances (/radarr, /radarr2, ...)")
	fs.IntVar(&o.episodes, "episodes", 5000, "episodes per Sonarr instance")
	fs.IntVar(&o.series, "series", 0, "series per Sonarr instance (0: about one per 50 episodes)")
	fs.IntVar(&o.movies, "movies", 1000, "movies per Radarr instance")
	fs.Float64Var(&o.missingRatio, "missing-ratio", 0.3, "share of aired episodes and released movies without a file")
	fs.Float64Var(&o.cutoffRatio, "cutoff-ratio", 0.2, "share of files below their profile's cutoff")
	fs.Float64Var(&o.findChance, "find-chance", 0.5, "share of items a search finds a release for (negative: never)")
	fs.Int64Var(&o.seed, "seed", 1, "seed of the generated libraries and chances")
	fs.IntVar(&o.indexerLimit, "indexer-limit", 0, "indexer searches per day per instance (0: no limit)")
	fs.DurationVar(&o.commandDuration, "command-duration", 2*time.Second, "how long a command runs")
	fs.DurationVar(&o.importDelay, "import-delay", 30*time.Second, "time from a grab to its import")
	fs.IntVar(&o.availability, "availability-delay", 0, "Radarr availability delay in days")
	fs.StringVar(&o.webhookURL, "webhook-url", "", "URL receiving the instances' webhooks")
	fs.StringVar(&o.webhookMethod, "webhook-method", "POST", "webhook method: POST or PUT")
	fs.StringVar(&o.webhookUser, "webhook-username", "", "webhook basic auth username")
	fs.StringVar(&o.webhookPass, "webhook-password", "", "webhook basic auth password")
	fs.Float64Var(&o.errorRate, "error-rate", 0, "share of API requests answered 500")
	fs.DurationVar(&o.latency, "latency", 0, "latency added to every API request")
	fs.StringVar(&o.apiKey, "api-key", "", "API key of every instance (default: derived from the seed and name)")
	fs.StringVar(&o.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.sonarr < 0 || o.radarr < 0 || o.sonarr+o.radarr == 0 {
		return o, errors.New("fakearr: want at least one instance (--sonarr, --radarr)")
	}
	return o, nil
}

// config turns options into a simulator config.
func (o options) config(log *slog.Logger) fakearr.Config {
	cfg := fakearr.Config{Logger: log}
	add := func(kind domain.InstanceKind, n int) {
		for i := 0; i < n; i++ {
			cfg.Instances = append(cfg.Instances, fakearr.InstanceConfig{
				Kind: kind, APIKey: o.apiKey, Seed: o.seed + int64(i),
				Episodes: o.episodes, Series: o.series, Movies: o.movies,
				MissingRatio: o.missingRatio, CutoffRatio: o.cutoffRatio, FindChance: o.findChance,
				IndexerDailyLimit: o.indexerLimit, CommandDuration: o.commandDuration, ImportDelay: o.importDelay,
				AvailabilityDelay: o.availability,
				Webhook:           fakearr.WebhookConfig{URL: o.webhookURL, Method: o.webhookMethod, Username: o.webhookUser, Password: o.webhookPass},
			})
		}
	}
	add(domain.KindSonarr, o.sonarr)
	add(domain.KindRadarr, o.radarr)
	if o.errorRate > 0 || o.latency > 0 {
		cfg.Faults = append(cfg.Faults, fakearr.Fault{PathPrefix: "/api", ErrorRate: o.errorRate, Latency: fakearr.Duration(o.latency)})
	}
	return cfg
}

// run starts the simulator and serves until ctx ends or a signal arrives.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return fmt.Errorf("fakearr: --log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	sim, err := fakearr.New(o.config(log))
	if err != nil {
		return err
	}
	origin, err := sim.Start(o.listen)
	if err != nil {
		return err
	}
	defer sim.Close()
	enc := json.NewEncoder(stdout)
	for _, in := range sim.Instances() {
		info := in.Info(origin)
		if err := enc.Encode(struct {
			Kind   domain.InstanceKind `json:"kind"`
			Name   string              `json:"name"`
			URL    string              `json:"url"`
			APIKey string              `json:"apiKey"`
		}{info.Kind, info.Name, info.URL, info.APIKey}); err != nil {
			return fmt.Errorf("fakearr: write instances: %w", err)
		}
	}
	log.Info("serving", "url", origin, "control", origin+"/__fakearr/instances")
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	log.Info("stopping")
	return nil
}
