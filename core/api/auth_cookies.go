package api

import (
	"context"
	"net/http"
	"time"
)

// refreshCookiePath scopes the refresh cookie to the endpoints that use it.
const refreshCookiePath = "/api/auth"

// sessionCookies returns the access and refresh cookies of a session:
// HttpOnly, SameSite=Strict, Secure over HTTPS (or always, if configured).
func (s *Server) sessionCookies(ctx context.Context, access, refresh string, accessExp, refreshExp time.Time) []http.Cookie {
	secure := s.cfg.SecureCookies || requestIsTLS(ctx)
	return []http.Cookie{
		{Name: cookieAccess, Value: access, Path: "/", Expires: accessExp, MaxAge: int(time.Until(accessExp).Seconds()),
			HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode},
		{Name: cookieRefresh, Value: refresh, Path: refreshCookiePath, Expires: refreshExp, MaxAge: int(time.Until(refreshExp).Seconds()),
			HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode},
	}
}

// clearedCookies expire both session cookies.
func (s *Server) clearedCookies(ctx context.Context) []http.Cookie {
	secure := s.cfg.SecureCookies || requestIsTLS(ctx)
	return []http.Cookie{
		{Name: cookieAccess, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode},
		{Name: cookieRefresh, Value: "", Path: refreshCookiePath, MaxAge: -1, HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode},
	}
}

func requestIsTLS(ctx context.Context) bool {
	info := infoFrom(ctx)
	return info != nil && info.https
}
