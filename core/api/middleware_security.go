package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"
)

// docsCSP lets the /docs page load its renderer from the CDN huma uses;
// every other response forbids all content.
const (
	apiCSP  = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
	docsCSP = "default-src 'self'; script-src 'self' 'unsafe-inline' https://unpkg.com; " +
		"style-src 'self' 'unsafe-inline' https://unpkg.com; img-src 'self' data: https:; " +
		"font-src 'self' data: https://unpkg.com; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)

func isDocs(c *fiber.Ctx) bool { return c.Path() == "/docs" }

// securityHeaders sets helmet's headers with a strict content security
// policy, relaxed only for the docs page. CORS is not enabled: browsers on
// other origins cannot read any answer.
func securityHeaders() []any {
	strict := helmet.New(helmet.Config{
		Next:                  isDocs,
		ContentSecurityPolicy: apiCSP,
		ReferrerPolicy:        "no-referrer",
		HSTSMaxAge:            31536000,
		PermissionPolicy:      "geolocation=(), camera=(), microphone=()",
	})
	docs := helmet.New(helmet.Config{
		Next:                      func(c *fiber.Ctx) bool { return !isDocs(c) },
		ContentSecurityPolicy:     docsCSP,
		CrossOriginEmbedderPolicy: "unsafe-none",
		CrossOriginResourcePolicy: "same-origin",
		ReferrerPolicy:            "no-referrer",
		HSTSMaxAge:                31536000,
	})
	noStore := func(c *fiber.Ctx) error {
		if strings.HasPrefix(c.Path(), "/api/") {
			c.Set(fiber.HeaderCacheControl, "no-store")
		}
		return c.Next()
	}
	return []any{strict, docs, noStore}
}
