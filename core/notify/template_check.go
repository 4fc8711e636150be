package notify

import (
	"fmt"
	"strings"
	"text/template/parse"
)

// A payload template's work is bounded by construction, because Go's
// text/template cannot be interrupted: a loop that writes nothing runs to
// its end whatever the deadline.
//
//   - A range (and a with, which sets the dot) may only take values of the
//     event's Data: .Data..., $.Data..., the dot or a variable that holds
//     such a value. Data is decoded JSON, so these are arrays and objects
//     whose size the event bounds, never a number: {{range .At.UnixNano}},
//     {{range .InstanceID}}, {{range 5}} or {{range len .Data.items}} are
//     refused.
//   - Ranges nest at most maxRangeDepth deep; before a template runs, its
//     passes over the event's data are counted (checkPasses).
//   - Functions are json and text/template's builtins but printf (a width
//     builds a string of any size) and call; define, block and template
//     (recursion) are refused.
const (
	// maxRangeDepth bounds how deeply range actions nest.
	maxRangeDepth = 2
	// maxTemplatePasses bounds the nodes a template may run on one event:
	// each node counted once per pass of the ranges around it, every range
	// taken to run as often as the event's Data has elements.
	maxTemplatePasses = 1_000_000
)

// allowedFuncs are the functions a template may call.
var allowedFuncs = map[string]bool{
	"json": true, "and": true, "or": true, "not": true, "eq": true, "ne": true, "lt": true, "le": true, "gt": true,
	"ge": true, "len": true, "index": true, "slice": true, "print": true, "println": true, "html": true, "js": true,
	"urlquery": true,
}

// templateShape is what checking a template learned: its nodes at each
// range depth, for checkPasses.
type templateShape struct {
	nodes [maxRangeDepth + 1]int64
}

// templateChecker walks a parsed template.
type templateChecker struct {
	tree *parse.Tree
	// dataVars are the variables every binding of which is a Data value.
	dataVars map[string]bool
	// changed records that a pass removed a variable from dataVars.
	changed bool
	// final is the pass that reports faults and counts nodes.
	final bool
	shape templateShape
	err   error
}

// checkTemplateTree refuses a template whose work is not bounded by its
// event, and returns its shape.
func checkTemplateTree(tree *parse.Tree) (templateShape, error) {
	c := &templateChecker{tree: tree, dataVars: map[string]bool{}}
	// Every variable starts as a Data value; a pass removes those bound to
	// anything else, until no pass removes one. A variable is used only
	// after it is declared, so what remains is bound to Data values only.
	collect(tree.Root, c.dataVars)
	for {
		c.changed = false
		c.walk(tree.Root, false, 0)
		if !c.changed {
			break
		}
	}
	c.final = true
	c.walk(tree.Root, false, 0)
	return c.shape, c.err
}

// collect lists every variable a template declares.
func collect(n parse.Node, vars map[string]bool) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			collect(c, vars)
		}
	case *parse.ActionNode:
		collect(n.Pipe, vars)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, v := range n.Decl {
			vars[v.Ident[0]] = true
		}
	case *parse.IfNode:
		collect(n.Pipe, vars)
		collect(n.List, vars)
		collect(n.ElseList, vars)
	case *parse.RangeNode:
		collect(n.Pipe, vars)
		collect(n.List, vars)
		collect(n.ElseList, vars)
	case *parse.WithNode:
		collect(n.Pipe, vars)
		collect(n.List, vars)
		collect(n.ElseList, vars)
	}
}

func (c *templateChecker) fail(n parse.Node, format string, args ...any) {
	if c.final && c.err == nil {
		// ErrorContext says "name:line:col".
		loc, _ := c.tree.ErrorContext(n)
		parts := strings.Split(loc, ":")
		if len(parts) >= 3 {
			loc = fmt.Sprintf("line %s, column %s", parts[len(parts)-2], parts[len(parts)-1])
		}
		c.err = fmt.Errorf("%s: %s", loc, fmt.Sprintf(format, args...))
	}
}

// walk visits n; dotData says whether the dot is a Data value, depth how
// many ranges are around n.
func (c *templateChecker) walk(n parse.Node, dotData bool, depth int) {
	if n == nil || c.err != nil {
		return
	}
	if c.final {
		c.shape.nodes[min(depth, maxRangeDepth)]++
	}
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, child := range n.Nodes {
			c.walk(child, dotData, depth)
		}
	case *parse.ActionNode:
		c.pipe(n.Pipe, dotData, depth)
		c.bind(n.Pipe, c.isData(n.Pipe, dotData), false)
	case *parse.IfNode:
		c.pipe(n.Pipe, dotData, depth)
		c.bind(n.Pipe, c.isData(n.Pipe, dotData), false)
		c.walk(n.List, dotData, depth)
		c.walk(n.ElseList, dotData, depth)
	case *parse.WithNode:
		c.pipe(n.Pipe, dotData, depth)
		data := c.isData(n.Pipe, dotData)
		c.bind(n.Pipe, data, false)
		c.walk(n.List, data, depth)
		c.walk(n.ElseList, dotData, depth)
	case *parse.RangeNode:
		c.pipe(n.Pipe, dotData, depth)
		if depth+1 > maxRangeDepth {
			c.fail(n, "ranges nest more than %d deep", maxRangeDepth)
			return
		}
		if !c.isData(n.Pipe, dotData) {
			c.fail(n, "range may only loop over the event's data (.Data..., or a variable or dot holding part of it), not %s", n.Pipe)
			return
		}
		c.bind(n.Pipe, true, true)
		c.walk(n.List, true, depth+1)
		c.walk(n.ElseList, dotData, depth)
	case *parse.TemplateNode:
		c.fail(n, "must not call other templates")
	case *parse.TextNode, *parse.CommentNode, *parse.BreakNode, *parse.ContinueNode:
	default:
		c.fail(n, "unexpected %s", n)
	}
}

// pipe checks the functions a pipeline calls, in its nested pipelines too.
func (c *templateChecker) pipe(p *parse.PipeNode, dotData bool, depth int) {
	if p == nil {
		return
	}
	for _, cmd := range p.Cmds {
		if c.final {
			c.shape.nodes[min(depth, maxRangeDepth)] += int64(1 + len(cmd.Args))
		}
		for _, a := range cmd.Args {
			c.arg(a, dotData, depth)
		}
	}
}

func (c *templateChecker) arg(a parse.Node, dotData bool, depth int) {
	switch a := a.(type) {
	case *parse.IdentifierNode:
		if !allowedFuncs[a.Ident] {
			c.fail(a, "function %q is not available in payload templates", a.Ident)
		}
	case *parse.PipeNode:
		c.pipe(a, dotData, depth)
	case *parse.ChainNode:
		c.arg(a.Node, dotData, depth)
	}
}

// bind records the variables a pipeline declares or assigns: a range's
// index or key (the first of two) is not a Data value, its element is.
func (c *templateChecker) bind(p *parse.PipeNode, data, isRange bool) {
	if p == nil {
		return
	}
	for i, v := range p.Decl {
		d := data
		if isRange && len(p.Decl) == 2 && i == 0 {
			d = false
		}
		if !d && c.dataVars[v.Ident[0]] {
			delete(c.dataVars, v.Ident[0])
			c.changed = true
		}
	}
}

// isData reports whether a pipeline is a Data value: one command of one
// operand, .Data... at the top, $.Data..., the dot or a field of it where
// the dot is a Data value, or a variable (or a field of one) holding a
// Data value.
func (c *templateChecker) isData(p *parse.PipeNode, dotData bool) bool {
	if p == nil || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	switch a := p.Cmds[0].Args[0].(type) {
	case *parse.DotNode:
		return dotData
	case *parse.FieldNode:
		return dotData || a.Ident[0] == "Data"
	case *parse.VariableNode:
		if a.Ident[0] == "$" {
			return len(a.Ident) > 1 && a.Ident[1] == "Data"
		}
		return c.dataVars[a.Ident[0]]
	}
	return false
}

// checkPasses refuses to run a template whose ranges would make more than
// maxTemplatePasses node passes over data: every range is taken to run as
// often as data has elements, in all.
func checkPasses(shape templateShape, data map[string]any) error {
	n := int64(elements(data))
	total, pow := int64(0), int64(1)
	for d := range shape.nodes {
		total += shape.nodes[d] * pow
		if total > maxTemplatePasses {
			return fmt.Errorf("its loops could run %d times or more over this event's %d data elements, at most %d allowed", total, n, maxTemplatePasses)
		}
		pow *= max(n, 1)
	}
	return nil
}

// elements counts the array elements and object members in decoded JSON.
func elements(v any) int {
	switch v := v.(type) {
	case map[string]any:
		n := len(v)
		for _, e := range v {
			n += elements(e)
		}
		return n
	case []any:
		n := len(v)
		for _, e := range v {
			n += elements(e)
		}
		return n
	}
	return 0
}
