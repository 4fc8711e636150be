package condition

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestCompileAndMatch(t *testing.T) {
	event := map[string]any{
		"eventType": "EpisodeFileDelete", "deleteReason": "missingFromDisk",
		"series":   map[string]any{"id": float64(5), "title": "Show", "tags": []any{"anime"}},
		"episodes": []any{map[string]any{"id": float64(11)}, map[string]any{"id": float64(12)}},
	}
	for _, tc := range []struct {
		src  string
		want bool
	}{
		{`event.eventType == "EpisodeFileDelete" && event.deleteReason == "missingFromDisk"`, true},
		{`event.deleteReason == "upgrade"`, false},
		{`event.series.id == 5`, true},
		{`"anime" in event.series.tags`, true},
		{`len(event.episodes) == 2 && any(event.episodes, .id == 12)`, true},
		{`event.missing == nil`, true},
		{`lower(event.series.title) startsWith "sh"`, true},
	} {
		c, err := Compile(tc.src)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		got, err := c.Match(context.Background(), event)
		if err != nil || got != tc.want {
			t.Fatalf("%s = %v, %v; want %v", tc.src, got, err, tc.want)
		}
	}
}

func TestCompileRefuses(t *testing.T) {
	for _, tc := range []struct {
		src, want string
		line, col int
	}{
		{`event.eventType ==`, "line 1", 1, 0},
		{`event.deleteReason + "x" == "y"`, "+ is allowed on numbers only", 1, 20},
		{"event.a == 1 &&\n  event.b + event.c", "+ is allowed on numbers only", 2, 11},
		{`repeat("a", 1000000) == ""`, "repeat", 0, 0},
		{strings.Repeat("x", MaxLength+1), "at most", 0, 0},
		{`let r = 1..9000; all(r, {all(r, {all(r, {true})})})`, "range 1..9000 has 9000 elements, at most 1000 allowed", 1, 10},
		{`let r = 1..1000; all(r, {all(r, {true})})`, "loops would run 1001000 times, at most 100000 allowed", 1, 26},
		{`all(event.episodes, {all(event.episodes, {all(event.episodes, {true})})})`, "nests loops 3 deep, at most 2 allowed", 0, 0},
		{`len(1..event.series.id) > 0`, "a range's ends must be whole-number literals", 0, 0},
	} {
		_, err := Compile(tc.src)
		var ce *Error
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("%q: err = %v, want one mentioning %q", tc.src, err, tc.want)
		}
		if tc.line != 0 && (ce.Line != tc.line || (tc.col != 0 && ce.Column != tc.col)) {
			t.Fatalf("%q: at line %d column %d, want %d:%d", tc.src, ce.Line, ce.Column, tc.line, tc.col)
		}
	}
}

func TestMatchIsBounded(t *testing.T) {
	// Loops over the event's own arrays are known only when evaluating: the
	// step budget stops them.
	c, err := Compile(`all(event.episodes, {all(event.episodes, {true})})`)
	if err != nil {
		t.Fatal(err)
	}
	episodes := make([]any, 1000)
	for i := range episodes {
		episodes[i] = map[string]any{"id": float64(i)}
	}
	ok, err := c.Match(context.Background(), map[string]any{"episodes": episodes})
	if !errors.Is(err, ErrBudget) || ok {
		t.Fatalf("10⁶ passes = %v, %v; want ErrBudget", ok, err)
	}
	if ok, err := c.Match(context.Background(), map[string]any{"episodes": episodes[:100]}); err != nil || !ok {
		t.Fatalf("10⁴ passes = %v, %v; want a match", ok, err)
	}
	c, err = Compile(`len(map(event.episodes, {map(event.episodes, {#})})) > 0`)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := c.Match(context.Background(), map[string]any{"episodes": episodes[:200]}); !errors.Is(err, ErrBudget) || ok {
		t.Fatalf("4×10⁴ allocations = %v, %v; want the memory budget to stop it", ok, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Match(ctx, map[string]any{"episodes": episodes[:10]}); errors.Is(err, ErrBudget) || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled = %v; want context.Canceled, not the condition's fault", err)
	}
	c, err = Compile(`event.series.id == 5`)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := c.Match(context.Background(), map[string]any{"series": "not an object"}); ok {
		t.Fatalf("wrong type matched: %v", err)
	}
}

// TestFieldsCompile: every offered field is usable in a condition.
func TestFieldsCompile(t *testing.T) {
	for _, f := range Fields {
		if f.Type == "" || f.Description == "" {
			t.Errorf("%s lacks a type or a description", f.Name)
		}
		if _, err := Compile(f.Name + " != nil"); err != nil {
			t.Errorf("%s: %v", f.Name, err)
		}
	}
}
