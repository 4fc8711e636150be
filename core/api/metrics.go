package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
)

// MetricsRoute is where Prometheus scrapes.
const MetricsRoute = "/metrics"

// metricsRoutes serves Deps.Metrics at GET /metrics. The route skips the
// API's own authentication: with Config.MetricsToken set it requires
// "Authorization: Bearer <token>" (compared in constant time) and answers
// 401 otherwise; without a token it is public.
func (s *Server) metricsRoutes() {
	if s.deps.Metrics == nil {
		return
	}
	h := adaptor.HTTPHandler(s.deps.Metrics)
	s.app.Get(MetricsRoute, func(c *fiber.Ctx) error {
		if s.cfg.MetricsToken != "" && !metricsTokenOK(c.Get(fiber.HeaderAuthorization), s.cfg.MetricsToken) {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="searcharr metrics"`)
			return writeProblem(c, fiber.StatusUnauthorized, "metrics token required")
		}
		return h(c)
	})
}

// isMetrics reports whether a request goes to the mounted metrics route.
func (s *Server) isMetrics(method, path string) bool {
	return s.deps.Metrics != nil && method == http.MethodGet && path == MetricsRoute
}

// metricsTokenOK compares the bearer token of an Authorization header with
// want in constant time (over digests, so the length is not revealed
// either).
func metricsTokenOK(header, want string) bool {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	exp := sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(got[:], exp[:]) == 1
}
