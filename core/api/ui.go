package api

import (
	"context"
	"net/http"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// UI is the web UI served at the root of the server. *web.UI implements
// it.
type UI interface {
	// Has reports whether path names one of the UI's files ("/" included).
	Has(path string) bool
	// Handler serves the UI's files with their own security headers.
	Handler() fiber.Handler
}

// docsPage is the UI's file that renders the OpenAPI document at /docs.
const docsPage = "/docs.html"

// MountUI serves ui for GET and HEAD requests no API route answers: its
// files, and index.html for extensionless paths outside /api/. These
// requests need no credentials (the page asks the API, which does). Call
// it after every other route is registered.
func (s *Server) MountUI(ui UI) {
	s.ui = ui
	s.routed = map[string]bool{}
	for _, r := range s.app.GetRoutes(true) {
		p := r.Path
		if i := strings.IndexAny(p, ":*"); i >= 0 {
			p = p[:i]
		}
		if p != "/" {
			s.routed[p] = true
		}
	}
	h := ui.Handler()
	if ui.Has(docsPage) {
		s.app.Get("/docs", func(c *fiber.Ctx) error {
			c.Path(docsPage)
			return h(c)
		})
	}
	s.app.Get("/*", func(c *fiber.Ctx) error {
		if !s.isUI(c.Method(), c.Path()) {
			return writeProblem(c, fiber.StatusNotFound, "no such route")
		}
		return h(c)
	})
}

// isUI reports whether a request is for the web UI: a GET or HEAD of one
// of its files, or of an extensionless page address that is no API route.
func (s *Server) isUI(method, p string) bool {
	if s.ui == nil || (method != fiber.MethodGet && method != fiber.MethodHead) {
		return false
	}
	if s.ui.Has(p) {
		return true
	}
	if lower := strings.ToLower(p); strings.HasPrefix(lower, "/api/") || lower == "/api" || path.Ext(p) != "" || s.routed[p] {
		return false
	}
	for r := range s.routed {
		if strings.HasSuffix(r, "/") && strings.HasPrefix(p, r) {
			return false
		}
	}
	return true
}

type setupOutput struct {
	Body struct {
		SetupRequired bool `json:"setup_required" doc:"True while no user exists: the first POST /api/auth/register creates the administrator"`
	}
}

func (s *Server) setupRoutes() {
	handle(s, operation(http.MethodGet, "/api/auth/setup", "setup-status", "auth",
		"Whether the server still needs its first user (public)", 0), s.setupStatus)
}

func (s *Server) setupStatus(ctx context.Context, _ *struct{}) (*setupOutput, error) {
	n, err := s.deps.Users.Count(ctx)
	if err != nil {
		return nil, err
	}
	out := &setupOutput{}
	out.Body.SetupRequired = n == 0
	return out, nil
}
