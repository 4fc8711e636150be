package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vibequality/searcharr/core/auth"
	"github.com/vibequality/searcharr/core/domain"
)

type userBody struct {
	ID        int64     `json:"id"`
	Username  string    `json:"username"`
	IsAdmin   bool      `json:"is_admin"`
	CreatedAt time.Time `json:"created_at"`
}

func userOut(u domain.User) userBody {
	return userBody{ID: u.ID, Username: u.Username, IsAdmin: u.IsAdmin, CreatedAt: u.CreatedAt}
}

type registerInput struct {
	Body struct {
		Username string `json:"username" minLength:"3" maxLength:"64" pattern:"^[A-Za-z0-9][A-Za-z0-9._-]*$" doc:"Letters, digits, dot, dash and underscore"`
		Password string `json:"password" minLength:"1" maxLength:"256"`
		IsAdmin  bool   `json:"is_admin,omitempty" doc:"Only an administrator may set it; the first user is always an administrator"`
	}
}

type userOutput struct {
	Body userBody
}

type meOutput struct {
	Body struct {
		userBody
		AuthMethod string `json:"auth_method" enum:"bearer,api_key,cookie"`
	}
}

type passwordInput struct {
	Body struct {
		CurrentPassword string `json:"current_password" minLength:"1" maxLength:"256"`
		NewPassword     string `json:"new_password" minLength:"1" maxLength:"256"`
	}
}

func (s *Server) userRoutes() {
	handle(s, operation(http.MethodPost, "/api/auth/register", "register", "auth",
		"Create a user: the first without login (it becomes the administrator), then by an administrator only", http.StatusCreated), s.register)
	handle(s, operation(http.MethodGet, "/api/auth/me", "me", "auth", "The authenticated user", 0), s.me)
	handle(s, operation(http.MethodPost, "/api/auth/password", "change-password", "auth",
		"Change the password; every session of the user ends and new tokens are returned", 0), s.changePassword)
}

func (s *Server) register(ctx context.Context, in *registerInput) (*userOutput, error) {
	p := principalFrom(ctx)
	switch {
	case p == nil:
		n, err := s.deps.Users.Count(ctx)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, errRegistrationClosed
		}
	case !p.user.IsAdmin:
		return nil, huma.Error403Forbidden("only an administrator may create users")
	}
	name := in.Body.Username
	if err := auth.CheckPassword(in.Body.Password, name); err != nil {
		var pe *auth.PasswordError
		errors.As(err, &pe)
		return nil, fieldError("body.password", "password "+pe.Reason, nil)
	}
	hash, err := s.hasher.Hash(ctx, in.Body.Password)
	if err != nil {
		return nil, err
	}
	u := domain.User{Username: name, PasswordHash: hash}
	var created domain.User
	if p == nil {
		// CreateFirst refuses when another request created a user since
		// Count: only one first user, ever.
		created, err = s.deps.Users.CreateFirst(ctx, u)
		if errors.Is(err, domain.ErrConflict) {
			return nil, errRegistrationClosed
		}
	} else {
		u.IsAdmin = in.Body.IsAdmin
		created, err = s.deps.Users.Create(ctx, u)
		if errors.Is(err, domain.ErrConflict) {
			return nil, huma.Error409Conflict("username already taken",
				&huma.ErrorDetail{Location: "body.username", Message: "already taken", Value: name})
		}
	}
	if err != nil {
		return nil, err
	}
	requestLogger(ctx, s.log).Info("user created", "created_user_id", created.ID, "is_admin", created.IsAdmin)
	return &userOutput{Body: userOut(created)}, nil
}

// errRegistrationClosed answers an anonymous register once a user exists.
var errRegistrationClosed = huma.Error401Unauthorized("registration is closed; an administrator must create accounts")

func (s *Server) me(ctx context.Context, _ *struct{}) (*meOutput, error) {
	p := principalFrom(ctx)
	out := &meOutput{}
	out.Body.userBody = userOut(p.user)
	out.Body.AuthMethod = string(p.source)
	return out, nil
}

func (s *Server) changePassword(ctx context.Context, in *passwordInput) (*tokenOutput, error) {
	p := principalFrom(ctx)
	ip := infoFrom(ctx).ip
	attempt, wait, ok := s.limiter.Begin(ip, p.user.Username)
	if !ok {
		return nil, tooManyAttempts(wait, "too many failed attempts")
	}
	ok, err := s.hasher.Verify(ctx, in.Body.CurrentPassword, p.user.PasswordHash)
	if err != nil && ctx.Err() != nil {
		attempt.Abandon()
		return nil, err
	}
	if err != nil || !ok {
		attempt.Fail()
		return nil, fieldError("body.current_password", "current password is wrong", nil)
	}
	attempt.Succeed()
	if err := auth.CheckPassword(in.Body.NewPassword, p.user.Username); err != nil {
		var pe *auth.PasswordError
		errors.As(err, &pe)
		return nil, fieldError("body.new_password", "password "+pe.Reason, nil)
	}
	hash, err := s.hasher.Hash(ctx, in.Body.NewPassword)
	if err != nil {
		return nil, err
	}
	// Refresh tokens end now; access tokens issued before the change (to
	// the second) are refused by fromAccessToken.
	if err := s.deps.RefreshTokens.RevokeUser(ctx, p.user.ID, s.now()); err != nil {
		return nil, err
	}
	if err := s.deps.Users.SetPasswordHash(ctx, p.user.ID, hash); err != nil {
		return nil, err
	}
	requestLogger(ctx, s.log).Info("password changed")
	family, err := auth.NewFamilyID()
	if err != nil {
		return nil, err
	}
	return s.issueSession(ctx, p.user.ID, family, "")
}
