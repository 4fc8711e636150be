package notify

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// TestSanitize: no part of the sink's URL or secret survives in an error,
// in raw or escaped form, nor any other URL.
func TestSanitize(t *testing.T) {
	target := domain.NotificationTarget{
		URL:    "generic+https://user:PASSWORD123@hooks.example:8443/api/TOKENPATH?apikey=QUERYTOKEN&x=1",
		Secret: "SIGNSECRET0123456789",
	}
	inner := &url.Error{Op: "Post", URL: "https://hooks.example:8443/api/TOKENPATH?apikey=QUERYTOKEN",
		Err: errors.New("dial tcp hooks.example:8443: connection refused")}
	err := errors.Join(inner, errors.New("token TOKENPATH rejected; escaped "+url.QueryEscape("QUERYTOKEN")+
		", secret SIGNSECRET0123456789, elsewhere http://other.example/x, user:PASSWORD123"))
	got := sanitize(err, target)
	for _, leak := range []string{"PASSWORD123", "hooks.example", "TOKENPATH", "QUERYTOKEN", "SIGNSECRET", "other.example", "8443"} {
		if strings.Contains(got, leak) {
			t.Fatalf("sanitised %q still shows %s", got, leak)
		}
	}
	if !strings.Contains(got, "connection refused") {
		t.Fatalf("sanitised %q lost the cause", got)
	}
	if long := sanitize(errors.New(strings.Repeat("é", 400)), target); len(long) > maxErrorLen+4 {
		t.Fatalf("long error kept %d bytes", len(long))
	}
}

// TestRenderLimits: a template is stopped by its deadline and its output
// cap.
func TestRenderLimits(t *testing.T) {
	slow := &payloadTemplate{ctx: context.Background(), tmpl: template.Must(template.New("t").Funcs(template.FuncMap{"slow": func() string {
		time.Sleep(200 * time.Millisecond)
		return "x"
	}}).Parse(`{{slow}}{{slow}}{{slow}}`))}
	if _, err := render(context.Background(), slow, TemplateData{}, 1<<10, 50*time.Millisecond); err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Fatalf("slow template: %v", err)
	}
	big, err := parseTemplate(`{{range .Data.items}}0123456789{{end}}`)
	if err != nil {
		t.Fatal(err)
	}
	items := make([]any, 100)
	if _, err := render(context.Background(), big, TemplateData{Data: map[string]any{"items": items}}, 100, time.Second); err == nil ||
		!strings.Contains(err.Error(), "larger than 100 bytes") {
		t.Fatalf("big template: %v", err)
	}
	out, err := render(context.Background(), big, TemplateData{Data: map[string]any{"items": items[:3]}}, 100, time.Second)
	if err != nil || string(out) != strings.Repeat("0123456789", 3) {
		t.Fatalf("small output = %q, %v", out, err)
	}
}

// TestRenderCountsPasses: nested loops that write nothing cannot be
// interrupted, so an event whose data would make them run too long is
// refused before the template starts.
func TestRenderCountsPasses(t *testing.T) {
	p, err := parseTemplate(`{{range .Data.items}}{{range $.Data.items}}{{if .}}{{end}}{{end}}{{end}}`)
	if err != nil {
		t.Fatal(err)
	}
	items := make([]any, 5000)
	if _, err := render(context.Background(), p, TemplateData{Data: map[string]any{"items": items}}, 1<<10, time.Second); err == nil ||
		!strings.Contains(err.Error(), "at most 1000000 allowed") {
		t.Fatalf("2.5×10⁷ passes: %v", err)
	}
	if _, err := render(context.Background(), p, TemplateData{Data: map[string]any{"items": items[:100]}}, 1<<10, time.Second); err != nil {
		t.Fatalf("10⁴ passes: %v", err)
	}
}

// TestRenderStopsFunctionsAtDeadline: functions whose work grows with the
// data fail once the deadline passed, in the caller's goroutine.
func TestRenderStopsFunctionsAtDeadline(t *testing.T) {
	p, err := parseTemplate(`{{range .Data.items}}{{$x := json $.Data}}{{end}}`)
	if err != nil {
		t.Fatal(err)
	}
	items := make([]any, 900)
	for i := range items {
		items[i] = strings.Repeat("x", 1000)
	}
	// 900 encodings of 900 kB: seconds, unless the deadline stops them.
	_, err = render(context.Background(), p, TemplateData{Data: map[string]any{"items": items}}, 1<<10, 20*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Fatalf("err = %v, want the deadline", err)
	}
}
