package api

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/vibequality/searcharr/core/auth"
	"github.com/vibequality/searcharr/core/domain"
)

// Credential headers and cookies.
const (
	headerAPIKey        = "X-Api-Key"
	headerRequestedWith = "X-Requested-With"
	cookieAccess        = "searcharr_access"
	cookieRefresh       = "searcharr_refresh"
)

// publicRoutes are the only routes that answer without credentials. Every
// other route, registered now or later, requires authentication. Register,
// refresh and logout check their own conditions (no user yet, a refresh
// token).
var publicRoutes = map[string]bool{
	"GET /health":             true,
	"GET /ready":              true,
	"POST /api/auth/login":    true,
	"POST /api/auth/register": true,
	"GET /api/auth/setup":     true,
	"POST /api/auth/refresh":  true,
	"POST /api/auth/logout":   true,
	"GET /openapi.json":       true,
	"GET /openapi.yaml":       true,
	"GET /openapi-3.0.json":   true,
	"GET /openapi-3.0.yaml":   true,
	"GET /docs":               true,
}

// isPublic reports whether a request (or a route pattern) needs no
// credentials. Fiber routes case-sensitively and strictly here, so exact
// matching is safe.
func isPublic(method, path string) bool {
	if publicRoutes[method+" "+path] {
		return true
	}
	return method == fiber.MethodGet && strings.HasPrefix(path, "/schemas/") && !strings.Contains(path[len("/schemas/"):], "/")
}

// credentialSource says where a request's credentials came from.
type credentialSource string

const (
	sourceNone   credentialSource = ""
	sourceBearer credentialSource = "bearer"
	sourceAPIKey credentialSource = "api_key"
	sourceCookie credentialSource = "cookie"
)

// principal is the authenticated user of a request.
type principal struct {
	user   domain.User
	source credentialSource
}

// principalFrom returns the request's user, or nil.
func principalFrom(ctx context.Context) *principal {
	if info := infoFrom(ctx); info != nil {
		return info.principal
	}
	return nil
}

// errBadCredentials is any credential that does not authenticate.
var errBadCredentials = errors.New("api: invalid credentials")

// authenticate resolves the request's credentials and refuses requests to
// non-public routes without valid ones (401). Unsafe requests also pass the
// CSRF checks (403).
func (s *Server) authenticate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	public := isPublic(c.Method(), c.Path()) || s.isReceiver(c.Method(), c.Path()) || s.isMetrics(c.Method(), c.Path()) ||
		s.isUI(c.Method(), c.Path())
	p, source, err := s.resolve(ctx, c)
	switch {
	case err != nil && !errors.Is(err, errBadCredentials):
		return err
	case err != nil && !public:
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="searcharr", error="invalid_token"`)
		return writeProblem(c, fiber.StatusUnauthorized, "invalid or expired credentials")
	case p == nil && !public:
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="searcharr"`)
		return writeProblem(c, fiber.StatusUnauthorized, "authentication required")
	}
	if p != nil {
		infoFrom(ctx).principal = p
	}
	if unsafeMethod(c.Method()) {
		if reason := s.csrfRefusal(c, source); reason != "" {
			return writeProblem(c, fiber.StatusForbidden, reason)
		}
	}
	return c.Next()
}

// resolve finds the principal of a request: a bearer token, then an API
// key, then the access cookie. No credentials is (nil, sourceNone, nil);
// wrong ones are errBadCredentials; a failing store is any other error.
func (s *Server) resolve(ctx context.Context, c *fiber.Ctx) (*principal, credentialSource, error) {
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return nil, sourceBearer, errBadCredentials
		}
		p, err := s.fromAccessToken(ctx, strings.TrimSpace(token), sourceBearer)
		return p, sourceBearer, err
	}
	if key := c.Get(headerAPIKey); key != "" {
		p, err := s.fromAPIKey(ctx, key)
		return p, sourceAPIKey, err
	}
	if tok := c.Cookies(cookieAccess); tok != "" {
		p, err := s.fromAccessToken(ctx, tok, sourceCookie)
		return p, sourceCookie, err
	}
	return nil, sourceNone, nil
}

func (s *Server) fromAccessToken(ctx context.Context, token string, source credentialSource) (*principal, error) {
	claims, err := s.tokens.Parse(token)
	if err != nil {
		return nil, errBadCredentials
	}
	u, err := s.deps.Users.Get(ctx, claims.UserID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, errBadCredentials
	}
	if err != nil {
		return nil, err
	}
	// A password change (which moves UpdatedAt) ends older access tokens.
	if claims.IssuedAt.Before(u.UpdatedAt.Truncate(time.Second)) {
		return nil, errBadCredentials
	}
	return &principal{user: u, source: source}, nil
}

// apiKeyTouchEvery limits last-used bookkeeping to one write a minute per
// key.
const apiKeyTouchEvery = time.Minute

func (s *Server) fromAPIKey(ctx context.Context, key string) (*principal, error) {
	if !auth.WellFormed(key, auth.APIKeyPrefix) {
		return nil, errBadCredentials
	}
	k, err := s.deps.APIKeys.GetByHash(ctx, auth.HashOpaque(key))
	if errors.Is(err, domain.ErrNotFound) {
		return nil, errBadCredentials
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if k.ExpiresAt != nil && !now.Before(*k.ExpiresAt) {
		return nil, errBadCredentials
	}
	u, err := s.deps.Users.Get(ctx, k.UserID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, errBadCredentials
	}
	if err != nil {
		return nil, err
	}
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) > apiKeyTouchEvery {
		if err := s.deps.APIKeys.Touch(ctx, k.ID, now); err != nil {
			requestLogger(ctx, s.log).Warn("unable to record api key use", "api_key_id", k.ID, "error", err)
		}
	}
	return &principal{user: u, source: sourceAPIKey}, nil
}
