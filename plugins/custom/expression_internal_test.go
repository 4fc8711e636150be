package custom

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/expr-lang/expr"
)

// An evaluation that outlives EvalTimeout is given up on, so a run cannot
// hang on it; a cancelled run stops waiting at once.
func TestEvaluationIsBoundedInTime(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	slow, err := expr.Compile(`stall() && monitored`, expr.Env(Env{}), expr.AsBool(),
		expr.Function("stall", func(...any) (any, error) { <-release; return true, nil }, new(func() bool)))
	if err != nil {
		t.Fatal(err)
	}
	p := &program{source: "stall()", prog: slow, kind: boolean}

	ev := newEvaluator()
	start := time.Now()
	if _, err := ev.eval(context.Background(), p, Env{}); !errors.Is(err, errTimeout) {
		t.Fatalf("eval = %v, want the timeout", err)
	}
	if d := time.Since(start); d > 10*EvalTimeout {
		t.Errorf("gave up after %s", d)
	}
	ev.close()

	ev = newEvaluator()
	defer ev.close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(10*time.Millisecond, cancel)
	if _, err := ev.eval(ctx, p, Env{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("eval = %v, want context.Canceled", err)
	}
	reason, _, err := judge(context.Background(), newEvaluator(), &compiled{filters: []*program{p}}, Env{})
	if !errors.Is(err, errTimeout) || reason != "" {
		t.Fatalf("judge = %q, %v; want the run stopped by the timeout", reason, err)
	}
}
