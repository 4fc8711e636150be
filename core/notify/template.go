package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"text/template"
	"text/template/parse"
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

var templateFuncs = template.FuncMap{
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
}

// parseTemplate parses a custom payload template.
func parseTemplate(src string) (*template.Template, error) {
	if len(src) > maxTemplateSize {
		return nil, fmt.Errorf("is longer than %d bytes", maxTemplateSize)
	}
	t, err := template.New("payload").Funcs(templateFuncs).Parse(src)
	if err != nil {
		return nil, fmt.Errorf("does not parse: %w", err)
	}
	if err := checkLoops(t.Root); err != nil {
		return nil, err
	}
	return t, nil
}

// checkLoops refuses a range over a number written in the template, or
// over a variable set to one: such a loop runs as long as the number says
// whatever the event, which the execution deadline cannot interrupt when
// the loop writes nothing.
func checkLoops(node parse.Node) error {
	numeric := func(p *parse.PipeNode) bool {
		if p == nil {
			return false
		}
		for _, c := range p.Cmds {
			for _, a := range c.Args {
				if _, ok := a.(*parse.NumberNode); ok {
					return true
				}
			}
		}
		return false
	}
	switch n := node.(type) {
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if err := checkLoops(c); err != nil {
				return err
			}
		}
	case *parse.ActionNode:
		if len(n.Pipe.Decl) > 0 && numeric(n.Pipe) {
			return errors.New("must not set a variable to a number")
		}
	case *parse.RangeNode:
		if numeric(n.Pipe) {
			return errors.New("must not range over a number")
		}
		return errors.Join(checkLoops(n.List), checkLoops(n.ElseList))
	case *parse.IfNode:
		return errors.Join(checkLoops(n.List), checkLoops(n.ElseList))
	case *parse.WithNode:
		return errors.Join(checkLoops(n.List), checkLoops(n.ElseList))
	}
	return nil
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

// render executes t with a deadline and an output cap. A template that
// outlives the deadline is abandoned: its next write fails.
func render(ctx context.Context, t *template.Template, data TemplateData, maxBytes int, timeout time.Duration) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	w := &capWriter{ctx: ctx, max: maxBytes}
	done := make(chan error, 1)
	go func() { done <- t.Execute(w, data) }()
	select {
	case err := <-done:
		if errors.Is(err, errTemplateOutput) {
			return nil, fmt.Errorf("template output is larger than %d bytes", maxBytes)
		}
		if err != nil {
			return nil, fmt.Errorf("template failed: %w", err)
		}
		return w.buf.Bytes(), nil
	case <-ctx.Done():
		return nil, fmt.Errorf("template took longer than %s", timeout)
	}
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
