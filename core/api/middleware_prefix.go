package api

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// basePath is the path of a base URL without its trailing slash: "" for
// none or "/", "/searcharr" for https://host/searcharr/.
func basePath(baseURL string) string {
	if baseURL == "" {
		return ""
	}
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil {
		return ""
	}
	return strings.TrimRight(u.Path, "/")
}

// stripPrefix serves the API under the base URL's path, as a reverse proxy
// that forwards /searcharr/... expects: the prefix is removed before
// routing, and paths outside it are not found. /health and /ready also
// answer at the root, for container health checks.
func (s *Server) stripPrefix(c *fiber.Ctx) error {
	path := c.Path()
	rest, ok := strings.CutPrefix(path, s.prefix)
	switch {
	case ok && rest == "":
		return c.Redirect(s.prefix+"/", fiber.StatusFound)
	case ok && strings.HasPrefix(rest, "/"):
		c.Path(rest)
	case path == "/health" || path == "/ready":
	default:
		return writeProblem(c, fiber.StatusNotFound, "no such route; this server is under "+s.prefix)
	}
	return c.Next()
}
