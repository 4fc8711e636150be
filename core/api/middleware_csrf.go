package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

func unsafeMethod(m string) bool {
	switch m {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return false
	}
	return true
}

// csrfRefusal returns why an unsafe request is refused as a possible
// cross-site request forgery, or "". Two checks:
//
//   - a browser's Origin (or Sec-Fetch-Site) must be this server's own
//     origin or one configured; scripts send no Origin and pass;
//   - a request whose credentials are cookies (the access cookie, or the
//     refresh cookie of a request not authenticated by a header) must
//     carry X-Requested-With, which a cross-site form cannot set and,
//     without CORS, a cross-site script cannot send.
func (s *Server) csrfRefusal(c *fiber.Ctx, source credentialSource) string {
	if origin := c.Get(fiber.HeaderOrigin); origin != "" && !s.originAllowed(c, origin) {
		return "cross-origin request refused"
	}
	if c.Get("Sec-Fetch-Site") == "cross-site" {
		return "cross-site request refused"
	}
	cookieAuth := source == sourceCookie ||
		(source == sourceNone && (c.Cookies(cookieRefresh) != "" || c.Cookies(cookieAccess) != ""))
	if cookieAuth && c.Get(headerRequestedWith) == "" {
		return "requests authenticated by cookie must send the " + headerRequestedWith + " header"
	}
	return ""
}

// originAllowed reports whether origin is the server's own (as the request
// reached it: scheme and Host, trusted proxies' forwarded values included)
// or a configured one.
func (s *Server) originAllowed(c *fiber.Ctx, origin string) bool {
	o, err := originOf(origin)
	if err != nil {
		return false
	}
	if s.origins[o] {
		return true
	}
	return o == strings.ToLower(c.Protocol()+"://"+c.Hostname())
}
