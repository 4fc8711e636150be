package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// refreshCookiePath scopes the refresh cookie to the endpoints that use it.
const refreshCookiePath = "/api/auth"

// sessionCookies returns the access and refresh cookies of a session:
// HttpOnly, SameSite=Strict, Secure over HTTPS (or always, if configured).
func (s *Server) sessionCookies(ctx context.Context, access, refresh string, accessExp, refreshExp time.Time) []http.Cookie {
	secure := s.cfg.SecureCookies || requestIsTLS(ctx)
	return []http.Cookie{
		{Name: cookieAccess, Value: access, Path: s.cookiePath("/"), Expires: accessExp, MaxAge: int(time.Until(accessExp).Seconds()),
			HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode},
		{Name: cookieRefresh, Value: refresh, Path: s.cookiePath(refreshCookiePath), Expires: refreshExp, MaxAge: int(time.Until(refreshExp).Seconds()),
			HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode},
	}
}

// clearedCookies expire both session cookies.
func (s *Server) clearedCookies(ctx context.Context) []http.Cookie {
	secure := s.cfg.SecureCookies || requestIsTLS(ctx)
	return []http.Cookie{
		{Name: cookieAccess, Value: "", Path: s.cookiePath("/"), MaxAge: -1, HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode},
		{Name: cookieRefresh, Value: "", Path: s.cookiePath(refreshCookiePath), MaxAge: -1, HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode},
	}
}

func requestIsTLS(ctx context.Context) bool {
	info := infoFrom(ctx)
	return info != nil && info.https
}

// setCookies queues cookies for the response. They are written by
// requestContext once the handler returns, each as its own Set-Cookie
// header (huma would fold them into one line).
func setCookies(ctx context.Context, cookies []http.Cookie) {
	if info := infoFrom(ctx); info != nil {
		info.cookies = append(info.cookies, cookies...)
	}
}

// writeCookies writes the queued cookies to the response.
func writeCookies(c *fiber.Ctx, cookies []http.Cookie) {
	for _, ck := range cookies {
		c.Cookie(&fiber.Cookie{
			Name: ck.Name, Value: ck.Value, Path: ck.Path, Expires: ck.Expires, MaxAge: ck.MaxAge,
			HTTPOnly: ck.HttpOnly, Secure: ck.Secure, SameSite: fiber.CookieSameSiteStrictMode,
			SessionOnly: ck.MaxAge == 0 && ck.Expires.IsZero(),
		})
	}
}

// cookiePath puts a cookie path under the base URL's path.
func (s *Server) cookiePath(p string) string {
	if s.prefix == "" {
		return p
	}
	return strings.TrimSuffix(s.prefix+p, "/")
}
