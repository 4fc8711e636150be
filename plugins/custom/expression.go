package custom

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

// Bounds of expressions, so that a hostile one cannot hang or exhaust a
// run.
const (
	// MaxExpressionLength bounds an expression's source, in bytes.
	MaxExpressionLength = 4096
	// MaxNodes bounds an expression's syntax tree.
	MaxNodes = 500
	// MaxNesting bounds how deeply brackets nest.
	MaxNesting = 32
	// MemoryBudget bounds what one evaluation may allocate, in the
	// expression VM's units (about one per element of a built array).
	MemoryBudget = 50_000
	// EvalTimeout bounds one evaluation's time.
	EvalTimeout = 250 * time.Millisecond
	// MaxRange bounds the elements of a range a..b, whose ends must be
	// literals.
	MaxRange = 1000
	// MaxLoopDepth bounds how deeply loops (the predicates of all, any,
	// filter, map, ...) nest.
	MaxLoopDepth = 2
	// MaxSteps bounds the passes through loop bodies of one evaluation:
	// estimated when compiling over the collections known then, counted
	// when evaluating.
	MaxSteps = 10_000
	// MaxStringLength bounds a string an expression builds with +.
	MaxStringLength = 4096
)

// builtins are the expr-lang functions expressions may call: all but those
// that build strings or arrays bigger than their input (repeat, replace,
// join, concat, flatten, toJSON, toBase64, ...), which the VM's memory
// budget does not see. String + is bounded by MaxStringLength instead, and
// + on operands whose type is not known when compiling (which would escape
// that bound) is refused.
var builtins = []string{
	"all", "none", "any", "one", "filter", "map", "find", "findIndex", "findLast", "findLastIndex",
	"count", "sum", "groupBy", "sortBy", "reduce", "len", "type", "abs", "ceil", "floor", "round",
	"int", "float", "string", "trim", "trimPrefix", "trimSuffix", "upper", "lower", "split",
	"splitAfter", "indexOf", "lastIndexOf", "hasPrefix", "hasSuffix", "max", "min", "mean", "median",
	"now", "duration", "date", "timezone", "first", "last", "get", "take", "keys", "values",
	"reverse", "uniq", "sort",
}

// concat is string +, refusing results longer than MaxStringLength.
func concat(params ...any) (any, error) {
	a, b := params[0].(string), params[1].(string)
	if len(a)+len(b) > MaxStringLength {
		return nil, fmt.Errorf("string longer than %d bytes", MaxStringLength)
	}
	return a + b, nil
}

// limits are the bounds exprlimit enforces.
var limits = exprlimit.Limits{MaxRange: MaxRange, MaxDepth: MaxLoopDepth, MaxSteps: MaxSteps}

// options are the compile options every expression gets.
func options() []expr.Option {
	opts := []expr.Option{
		expr.Env(runEnv{}), expr.MaxNodes(MaxNodes), expr.Optimize(false), expr.DisableAllBuiltins(),
		expr.Function("__concat", concat, new(func(string, string) string)),
		expr.Operator("+", "__concat"),
	}
	for _, b := range builtins {
		opts = append(opts, expr.EnableBuiltin(b))
	}
	return append(opts, limits.Options()...)
}

// kind is what an expression must produce.
type kind int

const (
	boolean kind = iota
	number
)

// program is a compiled expression.
type program struct {
	source string
	prog   *vm.Program
	kind   kind
}

// compileExpr compiles source against Env for the kind of result, refusing
// what is too long, too deep or too big. Errors say where, as "line L,
// column C: ...".
func compileExpr(source string, k kind) (*program, error) {
	if len(source) > MaxExpressionLength {
		return nil, fmt.Errorf("is %d bytes long, at most %d allowed", len(source), MaxExpressionLength)
	}
	if line, col, ok := tooDeep(source); !ok {
		return nil, &exprError{line: line, column: col, msg: fmt.Sprintf("brackets nest more than %d deep", MaxNesting)}
	}
	opts := options()
	if k == boolean {
		opts = append(opts, expr.AsBool())
	} else {
		opts = append(opts, expr.AsFloat64())
	}
	prog, err := expr.Compile(source, opts...)
	if err != nil {
		return nil, positioned(err)
	}
	if err := checkPlus(prog); err != nil {
		return nil, err
	}
	if err := limits.Check(prog); err != nil {
		return nil, positioned(err)
	}
	return &program{source: source, prog: prog, kind: k}, nil
}

// checkPlus refuses + whose operands are not both numbers, or a time and
// a duration: string + was replaced by concat when both sides are known
// strings, so what remains with an operand of unknown type could build
// strings without bound.
func checkPlus(prog *vm.Program) error {
	v := &plusVisitor{}
	node := prog.Node()
	ast.Walk(&node, v)
	if v.bad != nil {
		return positioned((&file.Error{Location: v.bad.Location(), Message: "+ needs operands whose types are known: numbers, strings, or a time and a duration"}).Bind(prog.Source()))
	}
	return nil
}

type plusVisitor struct{ bad ast.Node }

func (v *plusVisitor) Visit(n *ast.Node) {
	b, ok := (*n).(*ast.BinaryNode)
	if !ok || b.Operator != "+" || v.bad != nil {
		return
	}
	l, r := b.Left.Type(), b.Right.Type()
	if (numeric(l) && numeric(r)) || (isTime(l) && isDuration(r)) || (isDuration(l) && isTime(r)) || (isDuration(l) && isDuration(r)) {
		return
	}
	v.bad = b
}

func numeric(t reflect.Type) bool {
	if t == nil || t == durationType {
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

var (
	timeType     = reflect.TypeOf(time.Time{})
	durationType = reflect.TypeOf(time.Duration(0))
)

func isTime(t reflect.Type) bool     { return t == timeType }
func isDuration(t reflect.Type) bool { return t == durationType }

// tooDeep finds the first bracket past MaxNesting.
func tooDeep(s string) (line, col int, ok bool) {
	depth, line, col := 0, 1, 0
	for _, r := range s {
		col++
		switch r {
		case '\n':
			line, col = line+1, 0
		case '(', '[', '{':
			depth++
			if depth > MaxNesting {
				return line, col, false
			}
		case ')', ']', '}':
			depth--
		}
	}
	return 0, 0, true
}

// exprError is an error at a place in an expression's source: line and
// column are 1-based, in characters.
type exprError struct {
	line, column int
	msg          string
	// err is the sentinel the error is, if any.
	err error
}

func (e *exprError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.line, e.column, e.msg)
}

func (e *exprError) Unwrap() error { return e.err }

// positioned turns an expr error into an *exprError; an error about the
// whole expression (such as its result type) is placed at its start.
func positioned(err error) error {
	var fe *file.Error
	if errors.As(err, &fe) {
		msg := fe.Message
		if msg == "" {
			msg = err.Error()
		}
		return &exprError{line: fe.Line, column: fe.Column + 1, msg: firstLine(msg)}
	}
	return &exprError{line: 1, column: 1, msg: firstLine(err.Error())}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// evaluator runs programs in the caller's goroutine, each within its
// bounds: MaxSteps passes through loop bodies, MemoryBudget, EvalTimeout
// and the run's context. An evaluation past them stops where it is; none
// is left running.
type evaluator struct {
	machine vm.VM
	meter   exprlimit.Meter
}

func newEvaluator() *evaluator {
	return &evaluator{machine: vm.VM{MemoryBudget: MemoryBudget}}
}

// errOverBudget is an evaluation stopped by its step budget, its memory
// budget or EvalTimeout: the expression's fault, whatever the item.
var errOverBudget = fmt.Errorf("exceeds its evaluation budget (%d loop passes, %d memory units, %s)", MaxSteps, MemoryBudget, EvalTimeout)

// eval runs p on env within its bounds and ctx.
func (e *evaluator) eval(ctx context.Context, p *program, env Env) (any, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e.meter.Reset(ctx, MaxSteps, time.Now().Add(EvalTimeout))
	out, err := e.machine.Run(p.prog, runEnv{Env: env, Meter: &e.meter})
	switch {
	case err == nil:
		return out, nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case exprlimit.IsBudget(err) || strings.Contains(err.Error(), "memory budget exceeded"):
		e := positioned(err).(*exprError)
		e.msg, e.err = fmt.Sprintf("%s: %s", errOverBudget, e.msg), errOverBudget
		return nil, e
	}
	return nil, positioned(err)
}

// runEnv is what an evaluation sees: Env, and the meter its loops spend.
type runEnv struct {
	Env
	Meter *exprlimit.Meter `expr:"exprlimit.meter"`
}

// probe evaluates p once on a sample item, so that an expression that
// blows up whatever the item (a loop over its budget, an allocation in a
// loop, a string too long) is refused when it is saved rather than at every
// run. Errors that depend on the item's values are not the expression's
// fault and pass.
func probe(p *program) error {
	_, err := newEvaluator().eval(context.Background(), p, sampleEnv())
	if err == nil {
		return nil
	}
	if errors.Is(err, errOverBudget) || strings.Contains(err.Error(), "string longer than") {
		return err
	}
	return nil
}

func sampleEnv() Env {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	return Env{
		Kind: "episode", Title: "Pilot", SeriesTitle: "Series", Year: 2024, Season: 1, Episode: 1,
		AirDate: now, DaysSinceAired: 30, Added: now, DaysSinceAdded: 30, Monitored: true,
		QualityProfile: "HD-1080p", Tags: []string{"tag"}, SeriesType: "standard", Network: "Network",
		Status: "continuing", Genres: []string{"Drama"}, Runtime: 45, LastSearchTime: now,
		SearchCount: 1, DaysSinceLastSearched: 1,
	}
}
