package sdktest_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/sdktest"
)

// simple searches wanted missing items in order; flaws break it on purpose.
type simple struct {
	flaw  string
	calls *atomic.Int64
}

func (s simple) Info(context.Context) (sdk.Info, error) {
	name := "simple"
	if s.flaw == "bad-name" {
		name = "Bad Name"
	}
	schema := `{"type":"object","x-expression-fields":[{"name":"title","type":"string","description":"The title."}],` +
		`"properties":{"bad":{"type":"string","x-expression":"boolean"}}}`
	if s.flaw == "bad-expression-schema" {
		schema = `{"type":"object","x-expression-fields":[{"description":"no name"}]}`
	}
	return sdk.Info{Name: name, Version: "1.0.0", Description: "Test strategy.", ConfigSchema: json.RawMessage(schema)}, nil
}

func (s simple) Validate(_ context.Context, c json.RawMessage) error {
	if s.flaw != "accepts-invalid" && strings.Contains(string(c), "bad") {
		e := sdk.ConfigError{Path: "bad", Message: "is bad", Line: 1, Column: 2}
		if s.flaw == "half-position" {
			e.Column = 0
		}
		return sdk.ConfigErrors{e}
	}
	return nil
}

func (s simple) Plan(ctx context.Context, req sdk.PlanRequest) (sdk.Plan, error) {
	page, err := req.Library.WantedMissing(ctx, sdk.WantedQuery{PageSize: 100})
	if err != nil {
		if s.flaw == "swallows-cancel" {
			return sdk.Plan{}, nil
		}
		return sdk.Plan{}, err
	}
	var plan sdk.Plan
	for _, it := range page.Items {
		if s.flaw != "over-budget" && !req.Budget.Fits(len(plan.Intents)+1, len(plan.Intents)+1) {
			break
		}
		cmd := sdk.SearchEpisodes(it.Key.ID)
		if it.Key.Type == sdk.Movie || s.flaw == "wrong-command" {
			cmd = sdk.SearchMovies(it.Key.ID)
		}
		in := sdk.Intent{Command: cmd, Items: []sdk.ItemKey{it.Key}, Reason: "missing"}
		switch s.flaw {
		case "dup-items":
			in.Items = []sdk.ItemKey{page.Items[0].Key}
		case "no-reason":
			in.Reason = ""
		case "ids-mismatch":
			in.Command.EpisodeIDs = []int64{it.Key.ID + 1}
			in.Command.MovieIDs = []int64{it.Key.ID + 1}
		case "nondeterministic":
			in.Score = float64(s.calls.Add(1))
		}
		plan.Intents = append(plan.Intents, in)
		if s.flaw != "no-decisions" {
			plan.Decisions = append(plan.Decisions, sdk.Decision{Item: in.Items[0], Kept: true, Reason: "missing"})
		}
	}
	return plan, nil
}

var suiteOptions = sdktest.Options{
	ValidConfigs:   []json.RawMessage{json.RawMessage(`{"good":true}`)},
	InvalidConfigs: []sdktest.InvalidConfig{{Config: json.RawMessage(`{"bad":true}`), Path: "bad"}},
}

func TestConformancePassesACorrectStrategy(t *testing.T) {
	sdktest.Conformance(t, simple{calls: new(atomic.Int64)}, suiteOptions)
}

// TestBrokenStrategy runs the suite on a flawed strategy; it only runs as
// the child process of TestConformanceCatchesFlaws, which expects it to fail.
func TestBrokenStrategy(t *testing.T) {
	flaw := os.Getenv("SDKTEST_FLAW")
	if flaw == "" {
		t.Skip("run by TestConformanceCatchesFlaws")
	}
	sdktest.Conformance(t, simple{flaw: flaw, calls: new(atomic.Int64)}, suiteOptions)
}

func TestConformanceCatchesFlaws(t *testing.T) {
	if testing.Short() {
		t.Skip("starts test processes")
	}
	flaws := map[string]string{
		"bad-name":              "Info.Name",
		"accepts-invalid":       "want sdk.ConfigErrors",
		"half-position":         "want both positive or both 0",
		"bad-expression-schema": "needs a name and a type",
		"over-budget":           "budget allows",
		"wrong-command":         "is not a sonarr search command",
		"dup-items":             "is already in intent",
		"no-reason":             "no reason",
		"ids-mismatch":          "do not match its items",
		"no-decisions":          "has no kept decision",
		"nondeterministic":      "different plans",
		"swallows-cancel":       "returned no error",
	}
	for flaw, want := range flaws {
		t.Run(flaw, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestBrokenStrategy$")
			cmd.Env = append(os.Environ(), "SDKTEST_FLAW="+flaw)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("suite passed a strategy with flaw %q (err %v)", flaw, err)
			}
			if !strings.Contains(string(out), want) {
				t.Fatalf("suite output lacks %q:\n%s", want, tail(string(out)))
			}
		})
	}
}

func tail(s string) string {
	lines := strings.Split(s, "\n")
	var keep []string
	for _, l := range lines {
		if !strings.HasPrefix(l, "20") { // go-plugin's debug log
			keep = append(keep, l)
		}
	}
	if len(keep) > 40 {
		keep = keep[len(keep)-40:]
	}
	return strings.Join(keep, "\n")
}
