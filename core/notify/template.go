package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"text/template"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// TemplateData is what a webhook sink's custom payload template sees:
//
//	{{.Event}} {{.Title}} {{.Message}} {{.Sink}} {{.At}} {{.InstanceID}}
//	{{.Data.queue_name}} {{json .Data}} {{json .Title}}
//
// Data is the event's payload as a map (see the payload structs in
// core/domain); json encodes a value as JSON, quotes included.
type TemplateData struct {
	Event      string
	Title      string
	Message    string
	Sink       string
	At         time.Time
	InstanceID int64
	Data       map[string]any
}

// maxTemplateSize bounds a template's source.
const maxTemplateSize = 16 << 10

// payloadTemplate is a parsed payload template, bounded by construction
// (see template_check.go).
type payloadTemplate struct {
	tmpl  *template.Template
	shape templateShape
	// ctx is the context of the render in progress: the functions whose
	// work grows with their arguments check it.
	ctx context.Context
}

// funcs are the functions a template may call besides text/template's
// cheap builtins (and, eq, len, index, ...): those whose work grows with
// their arguments end with the render's context.
func (p *payloadTemplate) funcs() template.FuncMap {
	alive := func() error { return p.ctx.Err() }
	text := func(f func(...any) string) func(...any) (string, error) {
		return func(args ...any) (string, error) {
			if err := alive(); err != nil {
				return "", err
			}
			return f(args...), nil
		}
	}
	return template.FuncMap{
		"json": func(v any) (string, error) {
			if err := alive(); err != nil {
				return "", err
			}
			b, err := json.Marshal(v)
			return string(b), err
		},
		"print":    text(fmt.Sprint),
		"println":  text(fmt.Sprintln),
		"html":     text(template.HTMLEscaper),
		"js":       text(template.JSEscaper),
		"urlquery": text(template.URLQueryEscaper),
	}
}

// parseTemplate parses a custom payload template and refuses what could
// make its work unbounded.
func parseTemplate(src string) (*payloadTemplate, error) {
	if len(src) > maxTemplateSize {
		return nil, fmt.Errorf("is longer than %d bytes", maxTemplateSize)
	}
	p := &payloadTemplate{ctx: context.Background()}
	t, err := template.New("payload").Funcs(p.funcs()).Parse(src)
	if err != nil {
		return nil, fmt.Errorf("does not parse: %w", err)
	}
	if len(t.Templates()) > 1 {
		return nil, errors.New("must not define templates")
	}
	if p.shape, err = checkTemplateTree(t.Tree); err != nil {
		return nil, err
	}
	p.tmpl = t
	return p, nil
}

func templateData(sink domain.NotificationSink, m Message) TemplateData {
	d := TemplateData{Event: string(m.Kind), Title: m.Title, Message: m.Text, Sink: sink.Name, At: m.At.UTC(),
		InstanceID: m.InstanceID, Data: map[string]any{}}
	_ = json.Unmarshal(m.Data, &d.Data)
	return d
}

// errTemplateOutput reports a template whose output outgrew the cap.
var errTemplateOutput = errors.New("output is larger than the limit")

// capWriter fails writes past max bytes, or once ctx has ended, which
// stops the template that writes.
type capWriter struct {
	ctx context.Context
	buf bytes.Buffer
	max int
}

func (w *capWriter) Write(p []byte) (int, error) {
	if err := w.ctx.Err(); err != nil {
		return 0, err
	}
	if w.buf.Len()+len(p) > w.max {
		return 0, errTemplateOutput
	}
	return w.buf.Write(p)
}

// render executes p in the caller's goroutine, within a deadline and an
// output cap. The template's shape and the event's data bound its work
// before it starts; writes and the functions whose work grows with their
// arguments fail once the deadline passed, which stops it there. Nothing
// runs on after render returns.
func render(ctx context.Context, p *payloadTemplate, data TemplateData, maxBytes int, timeout time.Duration) ([]byte, error) {
	if err := checkPasses(p.shape, data.Data); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	p.ctx = ctx
	defer func() { p.ctx = context.Background() }()
	w := &capWriter{ctx: ctx, max: maxBytes}
	err := p.tmpl.Execute(w, data)
	switch {
	case errors.Is(err, errTemplateOutput):
		return nil, fmt.Errorf("template output is larger than %d bytes", maxBytes)
	case ctx.Err() != nil:
		return nil, fmt.Errorf("template took longer than %s", timeout)
	case err != nil:
		return nil, fmt.Errorf("template failed: %w", err)
	}
	return w.buf.Bytes(), nil
}

// sampleMessage is the event a template is tried on when it is saved.
func sampleMessage() Message {
	now := time.Now().UTC()
	ev := domain.NewRunNotification(domain.Queue{ID: 1, Name: "Sample queue", InstanceID: 1, Strategy: "missing"}, 1,
		domain.RunSucceeded, "", domain.RunCounts{ItemsSearched: 3, CommandsSent: 1, IndexerSearches: 3,
			Skipped: domain.SkipCounts{Cooldown: 2}}, now)
	data, _ := json.Marshal(ev)
	m, _ := buildMessage(domain.EventRunCompleted, data)
	m.ID = "sample"
	return m
}
