// Package exprlimit bounds the work of user-written expr-lang expressions
// (subscription conditions, custom strategy filters), both when they are
// saved and when they run.
//
// expr-lang bounds an expression's size (expr.MaxNodes) and what one run
// allocates (vm.VM.MemoryBudget), but not the work of its loops: the
// predicates of all, any, map, filter, ... can nest, and three nested loops
// over 1..9000 run 7×10¹¹ times without allocating. Its VM takes no
// context either. This package closes both gaps:
//
//   - by construction (Limits.Check, on the compiled tree): a range a..b
//     must have whole-number literal ends and at most MaxRange elements,
//     predicates nest at most MaxDepth deep, and the loops whose
//     collections are known when compiling (range and array literals, and
//     let variables bound to them) run at most MaxSteps times in all;
//   - when running (Limits.Options patches every predicate's body to call
//     a Meter first): each pass through a loop body spends one step of the
//     Meter's budget and checks its context, so an evaluation over data
//     that turns out big stops at MaxSteps or at its deadline, within one
//     pass of the body, in the caller's goroutine. Nothing is left
//     running.
package exprlimit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
)

// MeterName is the name the environment's *Meter field must carry in its
// expr tag (`expr:"exprlimit.meter"`): the patched predicates read it. No
// identifier written in an expression can hold a dot, so an expression
// cannot name the Meter, nor call the step function.
const MeterName = "exprlimit.meter"

// stepFunc is the function each predicate calls first.
const stepFunc = "exprlimit.step"

// ErrBudget is an evaluation that spent its step budget.
var ErrBudget = errors.New("evaluation budget exceeded")

// Limits bound an expression. Zero fields disable their bound.
type Limits struct {
	// MaxRange bounds the elements of a range a..b.
	MaxRange int
	// MaxDepth bounds how deeply predicates nest: all(x, {any(y, {...})})
	// is 2.
	MaxDepth int
	// MaxSteps bounds the passes through predicate bodies: estimated when
	// compiling from the collections known then, and counted when running.
	MaxSteps int64
}

// Options are the expr options that meter each pass through a predicate's
// body. The environment must have a *Meter field tagged MeterName, set by
// the caller for each run.
func (l Limits) Options() []expr.Option {
	return []expr.Option{
		expr.Function(stepFunc, step, new(func(*Meter) bool)),
		expr.Patch(meterPatch{}),
	}
}

// Meter is the budget of one evaluation: its steps, its context and its
// deadline. It is for one goroutine, and may be Reset for the next
// evaluation.
type Meter struct {
	ctx      context.Context
	deadline time.Time
	left     int64
}

// NewMeter returns the budget of one evaluation of steps passes through
// loop bodies, ending early when ctx ends.
func NewMeter(ctx context.Context, steps int64) *Meter {
	m := &Meter{}
	m.Reset(ctx, steps, time.Time{})
	return m
}

// Reset makes m the budget of a new evaluation: steps passes through loop
// bodies, until ctx ends or deadline (none when zero) passes, whichever
// is first. It allocates nothing, unlike a context with a timeout.
func (m *Meter) Reset(ctx context.Context, steps int64, deadline time.Time) {
	if d, ok := ctx.Deadline(); ok && (deadline.IsZero() || d.Before(deadline)) {
		deadline = d
	}
	m.ctx, m.left, m.deadline = ctx, steps, deadline
}

// checkEvery is how many steps pass between checks of the context and the
// clock: each pass through a loop body is short by construction.
const checkEvery = 16

func step(params ...any) (any, error) {
	m, _ := params[0].(*Meter)
	if m == nil {
		return nil, errors.New("no evaluation budget")
	}
	m.left--
	if m.left < 0 {
		return nil, ErrBudget
	}
	if m.left%checkEvery == 0 {
		if err := m.ctx.Err(); err != nil {
			return nil, err
		}
		if !m.deadline.IsZero() && time.Now().After(m.deadline) {
			return nil, context.DeadlineExceeded
		}
	}
	return true, nil
}

// meterPatch makes every predicate body `$step($meter); body`.
type meterPatch struct{}

func (meterPatch) Visit(node *ast.Node) {
	p, ok := (*node).(*ast.PredicateNode)
	if !ok {
		return
	}
	if seq, ok := p.Node.(*ast.SequenceNode); ok && len(seq.Nodes) == 2 && isStep(seq.Nodes[0]) {
		return
	}
	call := &ast.CallNode{
		Callee:    &ast.IdentifierNode{Value: stepFunc},
		Arguments: []ast.Node{&ast.IdentifierNode{Value: MeterName}},
	}
	call.SetLocation(p.Location())
	seq := &ast.SequenceNode{Nodes: []ast.Node{call, p.Node}}
	seq.SetLocation(p.Node.Location())
	p.Node = seq
}

func isStep(n ast.Node) bool {
	c, ok := n.(*ast.CallNode)
	if !ok {
		return false
	}
	id, ok := c.Callee.(*ast.IdentifierNode)
	return ok && id.Value == stepFunc
}

// Check refuses a compiled expression that breaks the limits. Its error is
// a *file.Error placed at the fault and bound to the source.
func (l Limits) Check(prog *vm.Program) error {
	c := &checker{limits: l, lets: map[string]int64{}}
	c.walk(prog.Node(), 0, 1)
	if c.bad == nil {
		return nil
	}
	return c.bad.Bind(prog.Source())
}

type checker struct {
	limits Limits
	// lets holds the sizes of let variables bound to known collections;
	// expr-lang forbids redeclaring a name, so one map serves all scopes.
	lets  map[string]int64
	steps int64
	bad   *file.Error
}

func (c *checker) fail(n ast.Node, format string, args ...any) {
	if c.bad == nil {
		c.bad = &file.Error{Location: n.Location(), Message: fmt.Sprintf(format, args...)}
	}
}

// walk visits n, depth predicates deep, whose body runs mult times.
func (c *checker) walk(n ast.Node, depth int, mult int64) {
	if n == nil || c.bad != nil {
		return
	}
	switch n := n.(type) {
	case *ast.BinaryNode:
		if n.Operator == ".." {
			c.checkRange(n)
		}
		c.walk(n.Left, depth, mult)
		c.walk(n.Right, depth, mult)
	case *ast.BuiltinNode:
		c.builtin(n, depth, mult)
	case *ast.PredicateNode:
		c.walk(n.Node, depth, mult)
	case *ast.VariableDeclaratorNode:
		if size, ok := c.size(n.Value); ok {
			c.lets[n.Name] = size
		}
		c.walk(n.Value, depth, mult)
		c.walk(n.Expr, depth, mult)
	default:
		for _, child := range children(n) {
			c.walk(child, depth, mult)
		}
	}
}

// builtin walks a builtin call; its predicate, if any, is a loop over its
// first argument.
func (c *checker) builtin(n *ast.BuiltinNode, depth int, mult int64) {
	var pred *ast.PredicateNode
	for _, a := range n.Arguments {
		if p, ok := a.(*ast.PredicateNode); ok && pred == nil {
			pred = p
		}
	}
	if pred == nil || len(n.Arguments) == 0 {
		for _, a := range n.Arguments {
			c.walk(a, depth, mult)
		}
		return
	}
	depth++
	if c.limits.MaxDepth > 0 && depth > c.limits.MaxDepth {
		c.fail(n, "%s nests loops %d deep, at most %d allowed", n.Name, depth, c.limits.MaxDepth)
		return
	}
	inner := mult
	if size, ok := c.size(n.Arguments[0]); ok {
		inner = satMul(mult, size)
		c.steps = satAdd(c.steps, inner)
		if c.limits.MaxSteps > 0 && c.steps > c.limits.MaxSteps {
			c.fail(n, "loops would run %s times, at most %d allowed", atLeast(c.steps), c.limits.MaxSteps)
			return
		}
	}
	for _, a := range n.Arguments {
		if a == pred {
			c.walk(a, depth, inner)
		} else {
			c.walk(a, depth, mult)
		}
	}
}

// checkRange refuses a range whose ends are not literals or that has too
// many elements.
func (c *checker) checkRange(n *ast.BinaryNode) {
	from, ok1 := literalInt(n.Left)
	to, ok2 := literalInt(n.Right)
	if !ok1 || !ok2 {
		c.fail(n, "a range's ends must be whole-number literals, such as 1..10")
		return
	}
	if c.limits.MaxRange > 0 && to-from+1 > int64(c.limits.MaxRange) {
		c.fail(n, "range %d..%d has %d elements, at most %d allowed", from, to, to-from+1, c.limits.MaxRange)
	}
}

// size is the number of elements of a collection known when compiling.
func (c *checker) size(n ast.Node) (int64, bool) {
	switch n := n.(type) {
	case *ast.BinaryNode:
		if n.Operator != ".." {
			return 0, false
		}
		from, ok1 := literalInt(n.Left)
		to, ok2 := literalInt(n.Right)
		if !ok1 || !ok2 {
			return 0, false
		}
		return max(to-from+1, 0), true
	case *ast.ArrayNode:
		return int64(len(n.Nodes)), true
	case *ast.IdentifierNode:
		size, ok := c.lets[n.Value]
		return size, ok
	}
	return 0, false
}

func literalInt(n ast.Node) (int64, bool) {
	switch n := n.(type) {
	case *ast.IntegerNode:
		return int64(n.Value), true
	case *ast.UnaryNode:
		if v, ok := literalInt(n.Node); ok && n.Operator == "-" {
			return -v, true
		}
	}
	return 0, false
}

// children lists a node's direct children.
func children(n ast.Node) []ast.Node {
	switch n := n.(type) {
	case *ast.UnaryNode:
		return []ast.Node{n.Node}
	case *ast.ChainNode:
		return []ast.Node{n.Node}
	case *ast.MemberNode:
		return []ast.Node{n.Node, n.Property}
	case *ast.SliceNode:
		return []ast.Node{n.Node, n.From, n.To}
	case *ast.CallNode:
		return append([]ast.Node{n.Callee}, n.Arguments...)
	case *ast.SequenceNode:
		return n.Nodes
	case *ast.ConditionalNode:
		return []ast.Node{n.Cond, n.Exp1, n.Exp2}
	case *ast.ArrayNode:
		return n.Nodes
	case *ast.MapNode:
		return n.Pairs
	case *ast.PairNode:
		return []ast.Node{n.Key, n.Value}
	}
	return nil
}

func satMul(a, b int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	if a > (1<<62)/b {
		return 1 << 62
	}
	return a * b
}

func satAdd(a, b int64) int64 {
	if a > (1<<62)-b {
		return 1 << 62
	}
	return a + b
}

func atLeast(n int64) string {
	if n >= 1<<62 {
		return "more than 4×10¹⁸"
	}
	return fmt.Sprint(n)
}

// IsBudget reports whether err is an evaluation stopped by its budget or
// its context: a fault of the expression (or of its deadline), not of the
// data it ran on.
func IsBudget(err error) bool {
	return errors.Is(err, ErrBudget) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}
