package api

import (
	"context"
	"fmt"
	"net/http"

	"github.com/vibequality/searcharr/core/domain"
)

// Budgets reports what an instance may still send. *dispatch.Dispatcher
// implements it.
type Budgets interface {
	Budget(ctx context.Context, instanceID int64) (domain.BudgetStatus, error)
}

type budgetOutput struct{ Body domain.BudgetStatus }

// budgetRoutes registers GET /api/instances/{id}/budget when the server
// runs a dispatcher.
func (s *Server) budgetRoutes() {
	if s.deps.Budgets == nil {
		return
	}
	handle(s, operation(http.MethodGet, "/api/instances/{id}/budget", "get-instance-budget", "instances",
		"Indexer searches used and remaining in the rolling hour and day (shared with the instance's budget group), the next token, commands pending and in flight, and what holds dispatch back", 0),
		s.getBudget)
}

func (s *Server) getBudget(ctx context.Context, in *idInput) (*budgetOutput, error) {
	if _, err := s.ownedInstance(ctx, in.ID); err != nil {
		return nil, err
	}
	st, err := s.deps.Budgets.Budget(ctx, in.ID)
	if err != nil {
		return nil, s.fail(ctx, err, fmt.Sprintf("budget of instance %d", in.ID))
	}
	return &budgetOutput{Body: st}, nil
}
