// Package condition compiles and evaluates the conditions of queue webhook
// subscriptions: expr-lang (https://expr-lang.org) boolean expressions over
// `event`, the decoded JSON body of a Sonarr/Radarr webhook, for example
//
//	event.eventType == "EpisodeFileDelete" && event.deleteReason == "missingFromDisk"
//
// Expressions are bounded so that a hostile one cannot hang or exhaust the
// host: by construction when compiled (length, syntax tree size, range
// sizes, nesting of loops, and the passes of the loops known then; string
// building with + is refused), and when evaluated (memory, a step budget
// counting every pass through a loop, and a deadline), in the caller's
// goroutine: an evaluation over its budget stops and fails.
package condition

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"github.com/vibequality/searcharr/internal/exprlimit"
)

// Bounds of a condition.
const (
	// MaxLength bounds a condition's source, in bytes.
	MaxLength = 1024
	// MaxNodes bounds its syntax tree.
	MaxNodes = 200
	// MemoryBudget bounds what one evaluation may allocate, in the VM's
	// units (about one per element of a built array).
	MemoryBudget = 10_000
	// MaxRange bounds the elements of a range a..b, whose ends must be
	// literals.
	MaxRange = 1000
	// MaxLoopDepth bounds how deeply loops (the predicates of all, any,
	// filter, map, ...) nest.
	MaxLoopDepth = 2
	// MaxSteps bounds the passes through loop bodies of one evaluation:
	// estimated when compiling over the collections known then, counted
	// when evaluating.
	MaxSteps = 100_000
	// EvalTimeout bounds one evaluation's time.
	EvalTimeout = 250 * time.Millisecond
)

// limits are the bounds exprlimit enforces.
var limits = exprlimit.Limits{MaxRange: MaxRange, MaxDepth: MaxLoopDepth, MaxSteps: MaxSteps}

// ErrBudget is an evaluation stopped by its step budget or its deadline:
// the condition's fault, the same at every try.
var ErrBudget = errors.New("condition: evaluation budget exceeded")

// builtins are the functions a condition may call: none builds a string or
// an array bigger than its input.
var builtins = []string{
	"all", "none", "any", "one", "filter", "map", "count", "len", "abs", "int", "float", "string",
	"trim", "upper", "lower", "hasPrefix", "hasSuffix", "indexOf", "first", "last", "get", "keys", "values",
}

// Condition is a compiled condition.
type Condition struct {
	source string
	prog   *vm.Program
}

// env is what a condition sees; the meter is reachable only by the loops.
type env struct {
	Event map[string]any   `expr:"event"`
	Meter *exprlimit.Meter `expr:"exprlimit.meter"`
}

// Error is a compile error with its position in the source (1-based; 0
// when unknown).
type Error struct {
	Line, Column int
	Message      string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return e.Message
	}
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Message)
}

// Compile checks and compiles a condition. Its errors are *Error.
func Compile(source string) (*Condition, error) {
	if len(source) > MaxLength {
		return nil, &Error{Message: fmt.Sprintf("is %d bytes long, at most %d allowed", len(source), MaxLength)}
	}
	opts := []expr.Option{expr.Env(env{}), expr.AsBool(), expr.MaxNodes(MaxNodes), expr.Optimize(false), expr.DisableAllBuiltins()}
	for _, b := range builtins {
		opts = append(opts, expr.EnableBuiltin(b))
	}
	opts = append(opts, limits.Options()...)
	prog, err := expr.Compile(source, opts...)
	if err == nil {
		err = limits.Check(prog)
	}
	if err != nil {
		var fe *file.Error
		if errors.As(err, &fe) {
			return nil, &Error{Line: fe.Line, Column: fe.Column + 1, Message: fe.Message}
		}
		return nil, &Error{Message: err.Error()}
	}
	v := &plusVisitor{source: source}
	node := prog.Node()
	ast.Walk(&node, v)
	if v.err != nil {
		return nil, v.err
	}
	return &Condition{source: source, prog: prog}, nil
}

// plusVisitor refuses + unless both operands are known numbers.
type plusVisitor struct {
	source string
	err    *Error
}

func (v *plusVisitor) Visit(node *ast.Node) {
	b, ok := (*node).(*ast.BinaryNode)
	if !ok || b.Operator != "+" || v.err != nil {
		return
	}
	if !numeric(b.Left.Type()) || !numeric(b.Right.Type()) {
		line, col := position(v.source, b.Location().From)
		v.err = &Error{Line: line, Column: col, Message: "+ is allowed on numbers only"}
	}
}

// position turns a rune offset into a 1-based line and column.
func position(source string, offset int) (line, col int) {
	line, col = 1, 1
	n := 0
	for _, r := range source {
		if n == offset {
			break
		}
		n++
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

func numeric(t reflect.Type) bool {
	if t == nil {
		return false
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// String returns the condition's source.
func (c *Condition) String() string { return c.source }

// Match evaluates the condition against a decoded webhook body, within
// MaxSteps, MemoryBudget, EvalTimeout and ctx. A runtime error (a field of
// the wrong type) is returned and means no match; an evaluation stopped by
// its bounds wraps ErrBudget.
func (c *Condition) Match(ctx context.Context, event map[string]any) (bool, error) {
	evalCtx, cancel := context.WithTimeout(ctx, EvalTimeout)
	defer cancel()
	machine := vm.VM{MemoryBudget: MemoryBudget}
	out, err := machine.Run(c.prog, env{Event: event, Meter: exprlimit.NewMeter(evalCtx, MaxSteps)})
	if err != nil {
		if ctx.Err() != nil {
			return false, fmt.Errorf("condition: %w", ctx.Err())
		}
		if exprlimit.IsBudget(err) || strings.Contains(err.Error(), "memory budget exceeded") {
			return false, fmt.Errorf("%w: %w", ErrBudget, err)
		}
		return false, fmt.Errorf("condition: %w", err)
	}
	ok, isBool := out.(bool)
	if !isBool {
		return false, fmt.Errorf("condition: evaluates to %T, not a boolean", out)
	}
	return ok, nil
}
