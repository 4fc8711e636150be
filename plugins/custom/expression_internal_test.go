package custom

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/vibequality/searcharr/internal/cputest"
	"github.com/vibequality/searcharr/sdk"
)

// An evaluation over its step budget stops with errOverBudget, which stops
// the run; a cancelled run stops at once.
func TestEvaluationIsBounded(t *testing.T) {
	p, err := compileExpr(`all(tags, {all(tags, {true})})`, boolean)
	if err != nil {
		t.Fatal(err)
	}
	big := Env{Tags: make([]string, 1000)}
	ev := newEvaluator()
	if _, err := ev.eval(context.Background(), p, big); !errors.Is(err, errOverBudget) {
		t.Fatalf("eval = %v, want errOverBudget", err)
	}
	if _, err := ev.eval(context.Background(), p, Env{Tags: make([]string, 50)}); err != nil {
		t.Fatalf("eval within budget = %v", err)
	}
	reason, _, err := judge(context.Background(), ev, &compiled{filters: []*program{p}}, big)
	if !errors.Is(err, errOverBudget) || reason != "" {
		t.Fatalf("judge = %q, %v; want the run stopped", reason, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ev.eval(ctx, p, Env{Tags: make([]string, 50)}); !errors.Is(err, context.Canceled) {
		t.Fatalf("eval = %v, want context.Canceled", err)
	}
}

// An evaluation within its step budget but slow on its data stops at
// EvalTimeout, in the caller's goroutine.
func TestEvaluationStopsAtItsDeadline(t *testing.T) {
	p, err := compileExpr(`all(tags, {all(tags, {lower(title) != ""})})`, boolean)
	if err != nil {
		t.Fatal(err)
	}
	// 8100 passes lowering 1 MiB each: seconds, unless the deadline stops it.
	env := Env{Tags: make([]string, 90), Title: strings.Repeat("A", 1<<20)}
	_, err = newEvaluator().eval(context.Background(), p, env)
	if !errors.Is(err, errOverBudget) || !strings.Contains(err.Error(), "deadline") {
		t.Fatalf("eval = %v, want it stopped at its deadline", err)
	}
}

// TestRefusedFilterLeavesCPUIdle: the filter that kept a core busy after
// it was refused is refused by construction, and nothing runs on.
func TestRefusedFilterLeavesCPUIdle(t *testing.T) {
	for _, filter := range []string{
		`let r = 1..9000; all(r, {all(r, {all(r, {true})})})`,
		`all(1..1000, {all(1..1000, {true})})`,
	} {
		cfg, _ := json.Marshal(map[string]any{"filter": filter})
		err := New().Validate(context.Background(), cfg)
		var ce sdk.ConfigErrors
		if !errors.As(err, &ce) || len(ce) != 1 || ce[0].Path != "filter" || ce[0].Line != 1 {
			t.Fatalf("%s: Validate = %v, want one error at filter, line 1", filter, err)
		}
	}
	cputest.AssertIdle(t)
}

// TestSchemaListsTheExpressionFields: the fields the schema offers an
// editor are exactly Env's, with their types.
func TestSchemaListsTheExpressionFields(t *testing.T) {
	var doc struct {
		Fields []struct {
			Name, Type, Description string
		} `json:"x-expression-fields"`
		Properties map[string]struct {
			Expression string `json:"x-expression"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(schema, &doc); err != nil {
		t.Fatal(err)
	}
	typeName := func(rt reflect.Type) string {
		switch {
		case rt == timeType:
			return "time"
		case rt.Kind() == reflect.String:
			return "string"
		case rt.Kind() == reflect.Int:
			return "integer"
		case rt.Kind() == reflect.Float64:
			return "number"
		case rt.Kind() == reflect.Bool:
			return "boolean"
		case rt.Kind() == reflect.Slice && rt.Elem().Kind() == reflect.String:
			return "string[]"
		}
		return rt.String()
	}
	want := map[string]string{}
	env := reflect.TypeOf(Env{})
	for i := range env.NumField() {
		f := env.Field(i)
		want[f.Tag.Get("expr")] = typeName(f.Type)
	}
	got := map[string]string{}
	for _, f := range doc.Fields {
		if f.Description == "" {
			t.Errorf("field %s has no description", f.Name)
		}
		got[f.Name] = f.Type
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("schema fields %v\nwant %v", got, want)
	}
	if doc.Properties["filter"].Expression != "boolean" || doc.Properties["priority"].Expression != "number" {
		t.Fatalf("filter and priority are not marked as expressions: %+v", doc.Properties)
	}
}
