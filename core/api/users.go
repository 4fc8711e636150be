package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

type userListOutput struct {
	Body []userBody
}

// userAdminRoutes registers what administrators use to manage accounts;
// users are created with POST /api/auth/register.
func (s *Server) userAdminRoutes() {
	handle(s, operation(http.MethodGet, "/api/users", "list-users", "auth",
		"Every user account, oldest first (administrators)", 0), s.listUsers)
}

func (s *Server) listUsers(ctx context.Context, _ *struct{}) (*userListOutput, error) {
	if !principalFrom(ctx).user.IsAdmin {
		return nil, huma.Error403Forbidden("only an administrator may list users")
	}
	list, err := s.deps.Users.List(ctx)
	if err != nil {
		return nil, err
	}
	out := &userListOutput{Body: make([]userBody, len(list))}
	for i, u := range list {
		out.Body[i] = userOut(u)
	}
	return out, nil
}
