package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"
)

// apiCSP forbids all content in API answers. The web UI's pages (and the
// /docs page, one of them) set the UI's own strict policy.
const apiCSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// securityHeaders sets helmet's headers with a strict content security
// policy. CORS is not enabled: browsers on other origins cannot read any
// answer.
func securityHeaders() []any {
	strict := helmet.New(helmet.Config{
		ContentSecurityPolicy: apiCSP,
		ReferrerPolicy:        "no-referrer",
		HSTSMaxAge:            31536000,
		PermissionPolicy:      "geolocation=(), camera=(), microphone=()",
	})
	noStore := func(c *fiber.Ctx) error {
		if strings.HasPrefix(c.Path(), "/api/") {
			c.Set(fiber.HeaderCacheControl, "no-store")
		}
		return c.Next()
	}
	return []any{strict, noStore}
}
