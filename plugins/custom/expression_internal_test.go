package custom

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
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
