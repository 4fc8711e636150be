package api

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vibequality/searcharr/core/auth"
	"github.com/vibequality/searcharr/core/domain"
)

type loginInput struct {
	UserAgent string `header:"User-Agent"`
	Body      struct {
		Username string `json:"username" minLength:"1" maxLength:"64" doc:"Account name"`
		Password string `json:"password" minLength:"1" maxLength:"256" doc:"Account password"`
	}
}

type tokenBody struct {
	AccessToken  string `json:"access_token" doc:"Short-lived JWT for the Authorization: Bearer header"`
	RefreshToken string `json:"refresh_token" doc:"Single-use token for POST /api/auth/refresh"`
	TokenType    string `json:"token_type" example:"Bearer"`
	ExpiresIn    int    `json:"expires_in" doc:"Seconds until the access token expires"`
}

type tokenOutput struct {
	Body tokenBody
}

type refreshInput struct {
	UserAgent string `header:"User-Agent"`
	Cookie    string `cookie:"searcharr_refresh" doc:"Refresh cookie, used when the body has no token"`
	Body      *struct {
		RefreshToken string `json:"refresh_token,omitempty" maxLength:"128"`
	} `required:"false"`
}

// errLoginFailed is the one answer to a wrong username or password.
var errLoginFailed = huma.Error401Unauthorized("invalid username or password")

func (s *Server) authRoutes() {
	handle(s, operation(http.MethodPost, "/api/auth/login", "login", "auth", "Log in with a username and password", 0), s.login)
	handle(s, operation(http.MethodPost, "/api/auth/refresh", "refresh", "auth", "Exchange a refresh token for new tokens (rotating)", 0), s.refresh)
	handle(s, operation(http.MethodPost, "/api/auth/logout", "logout", "auth", "Revoke the session's refresh tokens and clear its cookies", http.StatusNoContent), s.logout)
	s.userRoutes()
}

func (s *Server) login(ctx context.Context, in *loginInput) (*tokenOutput, error) {
	ip := infoFrom(ctx).ip
	name := strings.TrimSpace(in.Body.Username)
	// The slot is taken before the password is hashed, so attempts in
	// flight count against the limits.
	attempt, wait, ok := s.limiter.Begin(ip, name)
	if !ok {
		return nil, tooManyAttempts(wait, "too many failed logins")
	}
	u, err := s.deps.Users.GetByUsername(ctx, name)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		// An unknown name costs a hash like a known one: no probing of
		// usernames by timing.
		if err := s.hasher.VerifyDummy(ctx, in.Body.Password); err != nil {
			attempt.Abandon()
			return nil, err
		}
		attempt.Fail()
		return nil, errLoginFailed
	case err != nil:
		attempt.Abandon()
		return nil, err
	}
	ok, err = s.hasher.Verify(ctx, in.Body.Password, u.PasswordHash)
	if err != nil && ctx.Err() != nil {
		attempt.Abandon()
		return nil, err
	}
	if err != nil {
		requestLogger(ctx, s.log).Error("stored password hash unreadable", "user_id", u.ID, "error", err)
	}
	if !ok {
		attempt.Fail()
		requestLogger(ctx, s.log).Info("login failed", "user_id", u.ID, "ip", ip)
		return nil, errLoginFailed
	}
	attempt.Succeed()
	if s.hasher.NeedsRehash(u.PasswordHash) {
		if hash, err := s.hasher.Hash(ctx, in.Body.Password); err == nil {
			if err := s.deps.Users.SetPasswordHash(ctx, u.ID, hash); err != nil {
				requestLogger(ctx, s.log).Warn("unable to upgrade password hash", "user_id", u.ID, "error", err)
			}
		}
	}
	family, err := auth.NewFamilyID()
	if err != nil {
		return nil, err
	}
	return s.issueSession(ctx, u.ID, family, in.UserAgent)
}

// tooManyAttempts is the 429 of a refused password attempt, with
// Retry-After in whole seconds.
func tooManyAttempts(wait time.Duration, what string) error {
	secs := int(math.Ceil(wait.Seconds()))
	return huma.ErrorWithHeaders(
		huma.Error429TooManyRequests(what+"; try again in "+strconv.Itoa(secs)+" seconds"),
		http.Header{"Retry-After": {strconv.Itoa(secs)}})
}

// issueSession signs an access token and stores a new refresh token in
// family.
func (s *Server) issueSession(ctx context.Context, userID int64, family, userAgent string) (*tokenOutput, error) {
	access, claims, err := s.tokens.Issue(userID)
	if err != nil {
		return nil, err
	}
	refresh, err := auth.NewOpaque(auth.RefreshTokenPrefix)
	if err != nil {
		return nil, err
	}
	refreshExp := s.now().UTC().Add(s.cfg.RefreshTTL)
	err = s.deps.RefreshTokens.Create(ctx, RefreshToken{
		UserID: userID, FamilyID: family, TokenHash: auth.HashOpaque(refresh),
		UserAgent: userAgent, IP: infoFrom(ctx).ip, ExpiresAt: refreshExp,
	})
	if err != nil {
		return nil, err
	}
	setCookies(ctx, s.sessionCookies(ctx, access, refresh, claims.Expires, refreshExp))
	return &tokenOutput{
		Body: tokenBody{AccessToken: access, RefreshToken: refresh, TokenType: "Bearer",
			ExpiresIn: int(s.tokens.TTL().Seconds())},
	}, nil
}

// presentedRefresh is the refresh token in the body, else in the cookie.
func presentedRefresh(in *refreshInput) string {
	if in.Body != nil && in.Body.RefreshToken != "" {
		return in.Body.RefreshToken
	}
	return in.Cookie
}

func (s *Server) refresh(ctx context.Context, in *refreshInput) (*tokenOutput, error) {
	token := presentedRefresh(in)
	if !auth.WellFormed(token, auth.RefreshTokenPrefix) {
		return nil, huma.Error401Unauthorized("invalid or expired refresh token")
	}
	rt, err := s.deps.RefreshTokens.Use(ctx, auth.HashOpaque(token), s.now())
	switch {
	case errors.Is(err, domain.ErrConflict):
		requestLogger(ctx, s.log).Warn("refresh token reused; its family is revoked", "ip", infoFrom(ctx).ip)
		return nil, huma.Error401Unauthorized("refresh token already used; every token of this session is revoked, log in again")
	case errors.Is(err, domain.ErrNotFound):
		return nil, huma.Error401Unauthorized("invalid or expired refresh token")
	case err != nil:
		return nil, err
	}
	if _, err := s.deps.Users.Get(ctx, rt.UserID); errors.Is(err, domain.ErrNotFound) {
		return nil, huma.Error401Unauthorized("invalid or expired refresh token")
	} else if err != nil {
		return nil, err
	}
	return s.issueSession(ctx, rt.UserID, rt.FamilyID, in.UserAgent)
}

func (s *Server) logout(ctx context.Context, in *refreshInput) (*struct{}, error) {
	token := presentedRefresh(in)
	p := principalFrom(ctx)
	switch {
	case auth.WellFormed(token, auth.RefreshTokenPrefix):
		rt, err := s.deps.RefreshTokens.Use(ctx, auth.HashOpaque(token), s.now())
		switch {
		case err == nil:
			if p != nil && p.user.ID != rt.UserID {
				return nil, huma.Error401Unauthorized("invalid or expired refresh token")
			}
			if err := s.deps.RefreshTokens.RevokeFamily(ctx, rt.FamilyID, s.now()); err != nil {
				return nil, err
			}
		case errors.Is(err, domain.ErrConflict):
			// A reused token: Use has revoked its family already.
		case errors.Is(err, domain.ErrNotFound):
			if p == nil {
				return nil, huma.Error401Unauthorized("invalid or expired refresh token")
			}
		default:
			return nil, err
		}
	case p == nil:
		return nil, huma.Error401Unauthorized("authentication required")
	}
	setCookies(ctx, s.clearedCookies(ctx))
	return nil, nil
}
