package condition

import (
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
		got, err := c.Match(event)
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
	c, err := Compile(`len(map(1..100000000, # * 2)) > 0`)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := c.Match(map[string]any{}); err == nil || ok {
		t.Fatalf("a huge range = %v, %v; want the memory budget to stop it", ok, err)
	}
	c, err = Compile(`event.series.id == 5`)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := c.Match(map[string]any{"series": "not an object"}); ok {
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
