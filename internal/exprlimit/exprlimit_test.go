package exprlimit

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
)

type env struct {
	Items []int  `expr:"items"`
	Meter *Meter `expr:"exprlimit.meter"`
}

var limits = Limits{MaxRange: 1000, MaxDepth: 2, MaxSteps: 100_000}

func compile(t *testing.T, src string) (*vm.Program, error) {
	t.Helper()
	opts := append([]expr.Option{expr.Env(env{}), expr.Optimize(false)}, limits.Options()...)
	prog, err := expr.Compile(src, opts...)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return prog, limits.Check(prog)
}

func TestCheckRefuses(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`let r = 1..9000; all(r, {all(r, {all(r, {true})})})`, "range 1..9000 has 9000 elements"},
		{`all(1..1000, {all(1..1000, {true})})`, "loops would run 1001000 times"},
		{`let r = 1..500; all(r, {all(r, {true})})`, "loops would run 250500 times"},
		{`all(items, {all(items, {all(items, {true})})})`, "nests loops 3 deep"},
		{`all(items, any(items, any(items, # > 0)))`, "nests loops 3 deep"},
		{`len(1..items[0]) > 0`, "whole-number literals"},
		{`all([1, 2, 3], {all(1..1000, {all(items, {true})})})`, "nests loops 3 deep"},
	} {
		_, err := compile(t, tc.src)
		var fe *file.Error
		if !errors.As(err, &fe) || !strings.Contains(fe.Message, tc.want) {
			t.Errorf("%s: err = %v, want one saying %q", tc.src, err, tc.want)
		}
	}
}

func TestCheckAccepts(t *testing.T) {
	for _, src := range []string{
		`all(items, {# > 0})`,
		`any(items, {any(items, {# == 2})})`,
		`let r = 1..300; all(r, {all(r, {true})})`,
		`count(1..1000, # % 2 == 0) > 0`,
		`len(filter(map(items, # * 2), # > 2)) >= 0`,
	} {
		prog, err := compile(t, src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if _, err := vm.Run(prog, env{Items: []int{1, 2, 3}, Meter: NewMeter(context.Background(), limits.MaxSteps)}); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
	}
}

// TestMeterStopsBigData: loops over data known only when running spend
// the budget and stop.
func TestMeterStopsBigData(t *testing.T) {
	prog, err := compile(t, `all(items, {all(items, {true})})`)
	if err != nil {
		t.Fatal(err)
	}
	items := make([]int, 1000)
	m := NewMeter(context.Background(), limits.MaxSteps)
	_, err = vm.Run(prog, env{Items: items, Meter: m})
	if !errors.Is(err, ErrBudget) || !IsBudget(err) {
		t.Fatalf("err = %v, want ErrBudget", err)
	}
	if m.left != -1 {
		t.Fatalf("steps left = %d, want the budget spent exactly", m.left)
	}
	// The same program within budget.
	_, err = vm.Run(prog, env{Items: items[:100], Meter: NewMeter(context.Background(), limits.MaxSteps)})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMeterStopsAtDeadline: an evaluation ends with its context, in the
// caller's goroutine, whatever budget is left.
func TestMeterStopsAtDeadline(t *testing.T) {
	prog, err := compile(t, `all(items, {all(items, {true})})`)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = vm.Run(prog, env{Items: make([]int, 100), Meter: NewMeter(ctx, 1<<60)})
	if !errors.Is(err, context.Canceled) || !IsBudget(err) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	// 10⁸ passes: minutes under -race, unless the deadline stops it.
	_, err = vm.Run(prog, env{Items: make([]int, 10_000), Meter: NewMeter(ctx, 1<<60)})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
}

// TestNoMeterFails: a program run without its meter fails rather than
// running unbounded.
func TestNoMeterFails(t *testing.T) {
	prog, err := compile(t, `all(items, {true})`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := vm.Run(prog, env{Items: []int{1}}); err == nil {
		t.Fatal("ran without a meter")
	}
}
