package notify_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/notify"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
	"github.com/vibequality/searcharr/internal/cputest"
)

// TestSinkSettingsRefused: each refused setting names its field, shows no
// URL part, and stores nothing.
func TestSinkSettingsRefused(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	f := newFixture(t, st, fastConfig())
	grab := []domain.EventKind{domain.EventGrabFound}
	hook := domain.Secret("https://hooks.example/URLSECRET")
	cases := []struct {
		name  string
		in    domain.NotificationSinkInput
		field string
	}{
		{"no name", domain.NotificationSinkInput{Name: " ", URL: hook, Secret: secret, Events: grab}, "name"},
		{"no url", domain.NotificationSinkInput{Name: "x", Events: grab}, "url"},
		{"not a url", domain.NotificationSinkInput{Name: "x", URL: "URLSECRET", Events: grab}, "url"},
		{"unknown service", domain.NotificationSinkInput{Name: "x", URL: "nosuch://URLSECRET@host", Events: grab}, "url"},
		{"bad discord url", domain.NotificationSinkInput{Name: "x", URL: "discord://URLSECRET", Events: grab}, "url"},
		{"metadata address", domain.NotificationSinkInput{Name: "x", URL: "http://169.254.169.254/URLSECRET", Secret: secret, Events: grab}, "url"},
		{"metadata name", domain.NotificationSinkInput{Name: "x", URL: "generic://metadata.google.internal/URLSECRET", Events: grab}, "url"},
		{"metadata behind generic+", domain.NotificationSinkInput{Name: "x", URL: "generic+http://169.254.169.254/URLSECRET", Events: grab}, "url"},
		{"webhook without secret", domain.NotificationSinkInput{Name: "x", URL: hook, Events: grab}, "secret"},
		{"short secret", domain.NotificationSinkInput{Name: "x", URL: hook, Secret: "short", Events: grab}, "secret"},
		{"secret on shoutrrr", domain.NotificationSinkInput{Name: "x", URL: "ntfy://host/topic", Secret: secret, Events: grab}, "secret"},
		{"template on shoutrrr", domain.NotificationSinkInput{Name: "x", URL: "ntfy://host/topic", Template: "{{.Title}}", Events: grab}, "template"},
		{"no events", domain.NotificationSinkInput{Name: "x", URL: hook, Secret: secret}, "events"},
		{"unknown event", domain.NotificationSinkInput{Name: "x", URL: hook, Secret: secret, Events: []domain.EventKind{"everything"}}, "events"},
		{"template parse error", domain.NotificationSinkInput{Name: "x", URL: hook, Secret: secret, Events: grab, Template: "{{.Title"}, "template"},
		{"template unknown function", domain.NotificationSinkInput{Name: "x", URL: hook, Secret: secret, Events: grab, Template: "{{exec .Title}}"}, "template"},
		{"template loop over a number", domain.NotificationSinkInput{Name: "x", URL: hook, Secret: secret, Events: grab, Template: "{{range 10000000000}}{{end}}"}, "template"},
		{"template loop through a variable", domain.NotificationSinkInput{Name: "x", URL: hook, Secret: secret, Events: grab, Template: "{{$n := 10000000000}}{{range $n}}{{end}}"}, "template"},
		{"template output too large", domain.NotificationSinkInput{Name: "x", URL: hook, Secret: secret, Events: grab, Template: strings.Repeat("{{.Title}}{{.Message}}", 2000)}, "template"},
		{"template loop over a time's number", domain.NotificationSinkInput{Name: "x", URL: hook, Secret: secret, Events: grab, Template: "{{range .At.UnixNano}}{{end}}"}, "template"},
		{"template loop over the instance id", domain.NotificationSinkInput{Name: "x", URL: hook, Secret: secret, Events: grab, Template: "{{range .InstanceID}}{{end}}"}, "template"},
		{"template loop over a length", domain.NotificationSinkInput{Name: "x", URL: hook, Secret: secret, Events: grab, Template: "{{range len .Data.items}}{{end}}"}, "template"},
		{"template loop through a dot", domain.NotificationSinkInput{Name: "x", URL: hook, Secret: secret, Events: grab, Template: "{{with .At}}{{range .Unix}}{{end}}{{end}}"}, "template"},
		{"template loop through a reassigned variable", domain.NotificationSinkInput{Name: "x", URL: hook, Secret: secret, Events: grab, Template: "{{$x := .Data.items}}{{$x = .At.Unix}}{{range $x}}{{end}}"}, "template"},
		{"template loop over an index", domain.NotificationSinkInput{Name: "x", URL: hook, Secret: secret, Events: grab, Template: "{{range $i, $e := .Data.items}}{{range $i}}{{end}}{{end}}"}, "template"},
		{"template loops nested 3 deep", domain.NotificationSinkInput{Name: "x", URL: hook, Secret: secret, Events: grab, Template: "{{range .Data.items}}{{range $.Data.items}}{{range $.Data.items}}{{end}}{{end}}{{end}}"}, "template"},
		{"template printf", domain.NotificationSinkInput{Name: "x", URL: hook, Secret: secret, Events: grab, Template: `{{printf "%0999999999d" 1}}`}, "template"},
		{"template recursion", domain.NotificationSinkInput{Name: "x", URL: hook, Secret: secret, Events: grab, Template: `{{define "a"}}{{template "a" .}}{{end}}{{template "a" .}}`}, "template"},
		{"template fails on an event", domain.NotificationSinkInput{Name: "x", URL: hook, Secret: secret, Events: grab, Template: `{{index .Data.queue_name 500}}`}, "template"},
		{"bad content type", domain.NotificationSinkInput{Name: "x", URL: hook, Secret: secret, Events: grab, ContentType: "not a type/"}, "content_type"},
		{"rate too high", domain.NotificationSinkInput{Name: "x", URL: hook, Secret: secret, Events: grab, RatePerMinute: 10000}, "rate_per_minute"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.n.Create(t.Context(), f.user.ID, c.in)
			var fe *notify.FieldError
			if !errors.As(err, &fe) || fe.Field != c.field || !errors.Is(err, domain.ErrInvalid) {
				t.Fatalf("err = %v, want a field error on %s", err, c.field)
			}
			if strings.Contains(err.Error(), "URLSECRET") || strings.Contains(err.Error(), secret) {
				t.Fatalf("error shows the URL or secret: %v", err)
			}
		})
	}
	if list, _ := f.n.List(t.Context(), f.user.ID); len(list) != 0 {
		t.Fatalf("refused sinks were stored: %+v", list)
	}
}

// TestSinkUpdateKeepsTargetAndSecret: a change without a URL or secret
// keeps them; a switch to a shoutrrr URL drops the secret; a switch back
// needs one.
func TestSinkUpdateKeepsTargetAndSecret(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	f := newFixture(t, st, fastConfig())
	ctx := t.Context()
	s := f.sink(t, domain.NotificationSinkInput{URL: "https://hooks.example/a", Secret: secret, Events: []domain.EventKind{domain.EventGrabFound}})
	off := false
	upd, err := f.n.Update(ctx, s.ID, domain.NotificationSinkInput{Name: "renamed", Events: []domain.EventKind{domain.EventRunFailed}, Enabled: &off})
	if err != nil || upd.Name != "renamed" || upd.Enabled || !upd.HasSecret || upd.Kind != domain.SinkWebhook {
		t.Fatalf("update = %+v, %v", upd, err)
	}
	tg, _ := st.NotificationSinks().Target(ctx, s.ID)
	if tg.URL.Reveal() != "https://hooks.example/a" || tg.Secret.Reveal() != secret {
		t.Fatal("the target changed")
	}
	upd, err = f.n.Update(ctx, s.ID, domain.NotificationSinkInput{Name: "renamed", URL: "discord://token@123456", Events: []domain.EventKind{domain.EventRunFailed}})
	if err != nil || upd.Kind != domain.SinkShoutrrr || upd.Service != "discord" || upd.HasSecret || upd.RedactedTarget() != "discord://***" {
		t.Fatalf("switch to discord = %+v, %v", upd, err)
	}
	_, err = f.n.Update(ctx, s.ID, domain.NotificationSinkInput{Name: "renamed", URL: "https://hooks.example/b", Events: []domain.EventKind{domain.EventRunFailed}})
	var fe *notify.FieldError
	if !errors.As(err, &fe) || fe.Field != "secret" {
		t.Fatalf("switch back without a secret: %v", err)
	}
	if got := f.get(t, s.ID); got.Service != "discord" {
		t.Fatalf("a refused update changed the sink: %+v", got)
	}
}

// TestTemplateLoopLeavesCPUIdle: the template that kept a core busy after
// its 422 is refused by construction, and nothing runs on.
func TestTemplateLoopLeavesCPUIdle(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	f := newFixture(t, st, fastConfig())
	_, err := f.n.Create(t.Context(), f.user.ID, domain.NotificationSinkInput{Name: "x", URL: "https://hooks.example/x", Secret: secret,
		Events: []domain.EventKind{domain.EventGrabFound}, Template: "{{range .At.UnixNano}}{{end}}"})
	var fe *notify.FieldError
	if !errors.As(err, &fe) || fe.Field != "template" {
		t.Fatalf("err = %v, want a field error on template", err)
	}
	cputest.AssertIdle(t)
}

// TestTemplatesWithinBounds: loops over the event's data, nested up to
// the limit, through variables and the dot, are accepted.
func TestTemplatesWithinBounds(t *testing.T) {
	st := storetest.Open(t, store.DialectSQLite)
	f := newFixture(t, st, fastConfig())
	for i, tpl := range []string{
		`{{range .Data.items}}{{.id}}{{end}}`,
		`{{range $i, $e := .Data.items}}{{$i}}{{$e.id}}{{end}}`,
		`{{with .Data}}{{range .items}}{{range $.Data.items}}{{end}}{{end}}{{end}}`,
		`{{$x := .Data.items}}{{range $x}}{{range $y := $x}}{{$y}}{{end}}{{end}}`,
		`{{range .Data}}{{.}}{{else}}none{{end}} {{.At.Unix}} {{len .Title}} {{html .Message}} {{json .Data}}`,
	} {
		if _, err := f.n.Create(t.Context(), f.user.ID, domain.NotificationSinkInput{Name: fmt.Sprint("ok ", i), URL: "https://hooks.example/x", Secret: secret,
			Events: []domain.EventKind{domain.EventGrabFound}, Template: tpl}); err != nil {
			t.Fatalf("%s: %v", tpl, err)
		}
	}
}
