package api

import (
	"bufio"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/gofiber/fiber/v2"

	"github.com/vibequality/searcharr/core/domain"
)

// EventStream is the source of GET /api/events: live events per user.
// *live.Hub implements it.
type EventStream interface {
	// Subscribe returns the events of ownerID's instances, queues and runs
	// and the function that ends the subscription.
	Subscribe(ownerID int64) (<-chan domain.LiveEvent, func())
}

// eventsPath is the live event stream's route.
const eventsPath = "/api/events"

// DefaultKeepAlive is how often an idle event stream sends a comment line.
const DefaultKeepAlive = 20 * time.Second

// eventKinds documents the kinds the stream sends, with their data.
var eventKinds = []struct{ kind, data string }{
	{"run_started", "{run_id, queue_id, queue_name, instance_id, strategy, trigger, at}"},
	{"run_progress", "{run_id, queue_id, instance_id, counts} after each command sent; counts has items_considered, items_selected, items_searched, commands_sent, indexer_searches, items_found"},
	{"run_ended", "{run_id, queue_id, instance_id, status, error, counts, at}"},
	{"search_sent", "{run_id, queue_id, instance_id, command, items: [{type, id, title}], cost, at}"},
	{"grab_found", "{instance_id, run_id (0 if unknown), title, at}"},
	{"instance_paused", "{instance_id, reason, at}: failing indexers paused the instance's searches"},
	{"instance_resumed", "{instance_id, reason, at}"},
	{"webhook_test", "{instance_id, at}: the instance's Test webhook arrived"},
	{"budget_exhausted", "{instance_id, budget_group, window, limit, used, resets_at, at}"},
}

// eventRoutes mounts GET /api/events on the Fiber app (huma cannot stream
// through Fiber) and documents it in the OpenAPI document.
func (s *Server) eventRoutes() {
	if s.deps.Events == nil {
		return
	}
	s.app.Get(eventsPath, s.streamEvents)
	desc := "A text/event-stream of the live events about the caller's own instances, queues and runs. " +
		"Each message has an id, an event (its kind) and JSON data; a comment line every 20 seconds keeps the connection open. " +
		"Events are not stored: a client that reconnects receives the events from then on. Kinds:\n\n"
	for _, k := range eventKinds {
		desc += "- `" + k.kind + "` " + k.data + "\n"
	}
	s.api.OpenAPI().AddOperation(&huma.Operation{
		Method: http.MethodGet, Path: eventsPath, OperationID: "stream-events", Tags: []string{"events"},
		Summary: "Live events of the user's instances, queues and runs (server-sent events)", Description: desc,
		Security: s.security,
		Responses: map[string]*huma.Response{
			"200": {Description: "An endless event stream", Content: map[string]*huma.MediaType{
				"text/event-stream": {Schema: &huma.Schema{Type: "string"}},
			}},
			"401": {Description: "Authentication required", Content: map[string]*huma.MediaType{
				problemType: {Schema: &huma.Schema{Ref: "#/components/schemas/ErrorModel"}},
			}},
		},
	})
}

// streamEvents writes the caller's events until the client leaves, the
// subscription ends or the server shuts down.
func (s *Server) streamEvents(c *fiber.Ctx) error {
	p := principalFrom(c.UserContext())
	if p == nil {
		return writeProblem(c, fiber.StatusUnauthorized, "authentication required")
	}
	events, cancel := s.deps.Events.Subscribe(p.user.ID)
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Accel-Buffering", "no") // no proxy buffering (nginx)
	conn := c.Context().Conn()
	keepAlive := s.cfg.KeepAlive
	closing := s.closing
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer cancel()
		// The server's write timeout would end a long stream: each write
		// pushes it back instead.
		flush := func() bool {
			if conn != nil {
				_ = conn.SetWriteDeadline(time.Now().Add(keepAlive + s.cfg.RequestTimeout))
			}
			return w.Flush() == nil
		}
		_, _ = w.WriteString("retry: 5000\n: connected\n\n")
		if !flush() {
			return
		}
		tick := time.NewTicker(keepAlive)
		defer tick.Stop()
		for {
			select {
			case ev, ok := <-events:
				if !ok {
					return
				}
				_, _ = w.WriteString("id: " + strconv.FormatUint(ev.ID, 10) + "\nevent: " + ev.Kind + "\ndata: ")
				_, _ = w.Write(ev.Data)
				_, _ = w.WriteString("\n\n")
			case <-tick.C:
				_, _ = w.WriteString(": keep-alive\n\n")
			case <-closing:
				return
			}
			if !flush() {
				return
			}
		}
	})
	return nil
}
