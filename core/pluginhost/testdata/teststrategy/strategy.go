// Package teststrategy is a strategy whose behaviour in Plan is chosen by
// the queue config, so that the host's tests can make a real plugin process
// plan, fail, crash, hang or return garbage on demand.
package teststrategy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/vibequality/searcharr/sdk"
)

// Config is the queue config the strategy reads.
type Config struct {
	// Mode is "" (plan normally), "crash", "hang", "garbage", "error" or
	// "log".
	Mode string `json:"mode"`
	// Marker is logged by mode "log". With mode "crash", marker
	// "m-crash-exit" exits instead of panicking.
	Marker string `json:"marker"`
}

// Strategy is the test strategy.
type Strategy struct {
	info    sdk.Info
	infoErr error
}

var _ sdk.Strategy = (*Strategy)(nil)

// New returns a strategy reporting name and version. A few names change
// what Info says: "broken-info" fails, "sonarr-only" supports only Sonarr.
func New(name, version string) *Strategy {
	s := &Strategy{info: sdk.Info{
		Name:         name,
		Version:      version,
		Description:  "Test strategy " + name + ".",
		ConfigSchema: json.RawMessage(`{"type":"object","properties":{"mode":{"type":"string"}}}`),
		Triggers:     []sdk.TriggerKind{sdk.TriggerSchedule, sdk.TriggerAPI},
	}}
	if os.Getenv("SEARCHARR_TEST_SECRET") != "" {
		s.info.Description += " It can read the host's secrets."
	}
	switch name {
	case "broken-info":
		s.infoErr = errors.New("info is broken on purpose")
	case "sonarr-only":
		s.info.InstanceKinds = []sdk.InstanceKind{sdk.Sonarr}
	}
	return s
}

// Info implements sdk.Strategy.
func (s *Strategy) Info(context.Context) (sdk.Info, error) { return s.info, s.infoErr }

// Validate implements sdk.Strategy.
func (s *Strategy) Validate(_ context.Context, raw json.RawMessage) error {
	_, err := parse(raw)
	return err
}

func parse(raw json.RawMessage) (Config, error) {
	var c Config
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &c); err != nil {
			return c, sdk.Invalid("", "not a JSON object: %v", err)
		}
	}
	switch c.Mode {
	case "", "crash", "hang", "garbage", "error", "log":
		return c, nil
	}
	return c, sdk.Invalid("mode", "unknown mode %q", c.Mode)
}

// Plan implements sdk.Strategy.
func (s *Strategy) Plan(ctx context.Context, req sdk.PlanRequest) (sdk.Plan, error) {
	c, err := parse(req.Config)
	if err != nil {
		return sdk.Plan{}, err
	}
	switch c.Mode {
	case "crash":
		if c.Marker == "m-crash-exit" {
			os.Exit(3)
		}
		go func() { panic("crashing on purpose") }()
		select {}
	case "hang":
		select {}
	case "garbage":
		return sdk.Plan{Intents: []sdk.Intent{{Command: sdk.Command{Name: "FormatDisk"}}}}, nil
	case "error":
		return sdk.Plan{}, errors.New("planning failed on purpose")
	case "log":
		slog.Info("planning with marker", "marker", c.Marker)
		fmt.Fprintln(os.Stderr, "stderr says "+c.Marker)
	}
	page, err := req.Library.WantedMissing(ctx, sdk.WantedQuery{Page: 1, PageSize: 50})
	if err != nil {
		return sdk.Plan{}, err
	}
	var p sdk.Plan
	for _, it := range page.Items {
		if req.Budget.MaxIntents > 0 && len(p.Intents) >= req.Budget.MaxIntents {
			p.Decisions = append(p.Decisions, sdk.Decision{Item: it.Key, Reason: "over budget"})
			continue
		}
		cmd := sdk.SearchEpisodes(it.Key.ID)
		if it.Key.Type == sdk.Movie {
			cmd = sdk.SearchMovies(it.Key.ID)
		}
		p.Intents = append(p.Intents, sdk.Intent{Command: cmd, Items: []sdk.ItemKey{it.Key}, Reason: "missing", Score: 1})
		p.Decisions = append(p.Decisions, sdk.Decision{Item: it.Key, Kept: true, Reason: "missing"})
	}
	return p, nil
}
