package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vibequality/searcharr/core/domain"
)

// exclusionBody is what POST /api/exclusions accepts.
type exclusionBody struct {
	InstanceID int64      `json:"instance_id" minimum:"1"`
	Kind       string     `json:"kind" enum:"episode,series,movie" doc:"episode or series on a Sonarr instance, movie on a Radarr instance"`
	TargetID   int64      `json:"target_id" minimum:"1" doc:"The episode, series or movie id in Sonarr/Radarr"`
	Title      string     `json:"title,omitempty" maxLength:"300"`
	Reason     string     `json:"reason,omitempty" maxLength:"500"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty" doc:"When the exclusion ends; omitted means never"`
}

// exclusionUpdateBody is what PUT /api/exclusions/{id} accepts: what is
// excluded cannot change, only its description and expiry.
type exclusionUpdateBody struct {
	Title     string     `json:"title,omitempty" maxLength:"300"`
	Reason    string     `json:"reason,omitempty" maxLength:"500"`
	ExpiresAt *time.Time `json:"expires_at,omitempty" doc:"When the exclusion ends; omitted means never"`
}

type exclusionOut struct {
	ID         int64      `json:"id"`
	InstanceID int64      `json:"instance_id"`
	Kind       string     `json:"kind"`
	TargetID   int64      `json:"target_id"`
	Title      string     `json:"title"`
	Reason     string     `json:"reason"`
	ExpiresAt  *time.Time `json:"expires_at"`
	Active     bool       `json:"active"`
	CreatedAt  time.Time  `json:"created_at"`
}

func toExclusionOut(e domain.Exclusion, now time.Time) exclusionOut {
	return exclusionOut{ID: e.ID, InstanceID: e.InstanceID, Kind: string(e.Kind), TargetID: e.TargetID,
		Title: e.Title, Reason: e.Reason, ExpiresAt: e.ExpiresAt, Active: e.Active(now), CreatedAt: e.CreatedAt}
}

type exclusionInput struct {
	Body exclusionBody
}

type exclusionUpdateInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body exclusionUpdateBody
}

type exclusionListInput struct {
	InstanceID int64 `query:"instance_id" minimum:"0"`
	Active     bool  `query:"active" doc:"Only exclusions in force now"`
}

type exclusionOutput struct {
	Body exclusionOut
}

type exclusionListOutput struct {
	Body []exclusionOut
}

func (s *Server) exclusionRoutes() {
	handle(s, operation(http.MethodGet, "/api/exclusions", "list-exclusions", "exclusions", "The user's exclusions, newest first", 0), s.listExclusions)
	op := operation(http.MethodPost, "/api/exclusions", "create-exclusion", "exclusions",
		"Keep an episode, a series or a movie out of every search, optionally until a time", http.StatusCreated)
	op.Errors = []int{http.StatusConflict, http.StatusUnprocessableEntity}
	handle(s, op, s.createExclusion)
	handle(s, operation(http.MethodGet, "/api/exclusions/{id}", "get-exclusion", "exclusions", "One exclusion", 0), s.getExclusion)
	handle(s, operation(http.MethodPut, "/api/exclusions/{id}", "update-exclusion", "exclusions", "Replace an exclusion's title, reason and expiry", 0), s.updateExclusion)
	handle(s, operation(http.MethodDelete, "/api/exclusions/{id}", "delete-exclusion", "exclusions", "Remove an exclusion", http.StatusNoContent), s.deleteExclusion)
}

// ownedExclusion loads an exclusion of the request's user; another user's
// is not found, exactly like a missing one.
func (s *Server) ownedExclusion(ctx context.Context, id int64) (domain.Exclusion, error) {
	e, err := s.deps.Exclusions.Get(ctx, id)
	if err == nil && e.OwnerID != principalFrom(ctx).user.ID {
		err = domain.ErrNotFound
	}
	if err != nil {
		return domain.Exclusion{}, s.fail(ctx, err, fmt.Sprintf("exclusion %d", id))
	}
	return e, nil
}

// kindsOf lists the exclusion kinds an instance kind supports.
func kindsOf(k domain.InstanceKind) []domain.ExclusionKind {
	if k == domain.KindRadarr {
		return []domain.ExclusionKind{domain.ExcludeMovie}
	}
	return []domain.ExclusionKind{domain.ExcludeEpisode, domain.ExcludeSeries}
}

func (s *Server) checkExpiry(at *time.Time) error {
	if at != nil && !at.After(s.now()) {
		return fieldError("body.expires_at", "expires_at must be in the future", at.Format(time.RFC3339))
	}
	return nil
}

func (s *Server) listExclusions(ctx context.Context, in *exclusionListInput) (*exclusionListOutput, error) {
	list, err := s.deps.Exclusions.ListByOwner(ctx, principalFrom(ctx).user.ID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := &exclusionListOutput{Body: []exclusionOut{}}
	for _, e := range list {
		if (in.InstanceID != 0 && e.InstanceID != in.InstanceID) || (in.Active && !e.Active(now)) {
			continue
		}
		out.Body = append(out.Body, toExclusionOut(e, now))
	}
	return out, nil
}

func (s *Server) createExclusion(ctx context.Context, in *exclusionInput) (*exclusionOutput, error) {
	b := in.Body
	inst, err := s.deps.Instances.Get(ctx, b.InstanceID)
	if err != nil || inst.OwnerID != principalFrom(ctx).user.ID {
		if err != nil && !isNotFound(err) {
			return nil, err
		}
		return nil, fieldError("body.instance_id", "no such instance", b.InstanceID)
	}
	kind := domain.ExclusionKind(b.Kind)
	allowed := kindsOf(inst.Kind)
	if !containsKind(allowed, kind) {
		return nil, fieldError("body.kind", fmt.Sprintf("a %s instance takes kind %s", inst.Kind, joinKinds(allowed)), b.Kind)
	}
	if err := s.checkExpiry(b.ExpiresAt); err != nil {
		return nil, err
	}
	e, err := s.deps.Exclusions.Create(ctx, domain.Exclusion{
		OwnerID: inst.OwnerID, InstanceID: inst.ID, Kind: kind, TargetID: b.TargetID,
		Title: strings.TrimSpace(b.Title), Reason: strings.TrimSpace(b.Reason), ExpiresAt: b.ExpiresAt,
	})
	if errors.Is(err, domain.ErrConflict) {
		return nil, huma.Error409Conflict("already excluded", &huma.ErrorDetail{Location: "body.target_id",
			Message: fmt.Sprintf("this %s is already excluded on this instance", kind), Value: b.TargetID})
	}
	if err != nil {
		return nil, err
	}
	requestLogger(ctx, s.log).Info("exclusion created", "exclusion_id", e.ID, "instance_id", e.InstanceID, "kind", e.Kind)
	return &exclusionOutput{Body: toExclusionOut(e, s.now())}, nil
}

func containsKind(list []domain.ExclusionKind, k domain.ExclusionKind) bool {
	for _, x := range list {
		if x == k {
			return true
		}
	}
	return false
}

func joinKinds(list []domain.ExclusionKind) string {
	names := make([]string, len(list))
	for i, k := range list {
		names[i] = string(k)
	}
	return strings.Join(names, " or ")
}

func (s *Server) getExclusion(ctx context.Context, in *idInput) (*exclusionOutput, error) {
	e, err := s.ownedExclusion(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &exclusionOutput{Body: toExclusionOut(e, s.now())}, nil
}

func (s *Server) updateExclusion(ctx context.Context, in *exclusionUpdateInput) (*exclusionOutput, error) {
	e, err := s.ownedExclusion(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	if err := s.checkExpiry(in.Body.ExpiresAt); err != nil {
		return nil, err
	}
	e.Title, e.Reason, e.ExpiresAt = strings.TrimSpace(in.Body.Title), strings.TrimSpace(in.Body.Reason), in.Body.ExpiresAt
	updated, err := s.deps.Exclusions.Update(ctx, e)
	if err != nil {
		return nil, s.fail(ctx, err, fmt.Sprintf("exclusion %d", e.ID))
	}
	return &exclusionOutput{Body: toExclusionOut(updated, s.now())}, nil
}

func (s *Server) deleteExclusion(ctx context.Context, in *idInput) (*struct{}, error) {
	if _, err := s.ownedExclusion(ctx, in.ID); err != nil {
		return nil, err
	}
	if err := s.deps.Exclusions.Delete(ctx, in.ID); err != nil {
		return nil, s.fail(ctx, err, fmt.Sprintf("exclusion %d", in.ID))
	}
	return nil, nil
}
