package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/gofiber/fiber/v2"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/sdk"
)

// problemType is the content type of every error response.
const problemType = "application/problem+json"

// fail maps an error from a collaborator onto a problem response naming
// subject ("instance 3"). Domain sentinels become 404, 409 and 422; plugin
// config errors become 422 with one detail per path; anything else is
// logged once here and answered 500 without its text.
func (s *Server) fail(ctx context.Context, err error, subject string) error {
	var se huma.StatusError
	if errors.As(err, &se) {
		return err // keeps any headers wrapped around it
	}
	var cerrs sdk.ConfigErrors
	if errors.As(err, &cerrs) {
		return configProblem(cerrs)
	}
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return huma.Error404NotFound(subject + " not found")
	case errors.Is(err, domain.ErrBusy):
		return huma.Error409Conflict(subject + " is busy; try again when it is idle")
	case errors.Is(err, domain.ErrConflict):
		return huma.Error409Conflict(subject + " conflicts with the current state (a duplicate name?)")
	case errors.Is(err, domain.ErrInvalid):
		return huma.Error422UnprocessableEntity(subject + " is invalid")
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil:
		return huma.Error503ServiceUnavailable("the request took too long")
	}
	requestLogger(ctx, s.log).Error("request failed", "subject", subject, "error", err)
	return huma.Error500InternalServerError("internal error")
}

// configProblem turns a plugin's refusal into a 422 whose details locate
// each error under body.filters.
func configProblem(cerrs sdk.ConfigErrors) error {
	details := make([]error, 0, len(cerrs))
	for _, ce := range cerrs {
		loc := "body.filters"
		if p := strings.Trim(ce.Path, "/"); p != "" {
			loc += "." + strings.ReplaceAll(p, "/", ".")
		}
		msg := ce.Message
		if ce.Line > 0 {
			msg = fmt.Sprintf("line %d, column %d: %s", ce.Line, ce.Column, msg)
		}
		details = append(details, &huma.ErrorDetail{Message: msg, Location: loc})
	}
	return huma.Error422UnprocessableEntity("the strategy refused its filters", details...)
}

// fieldError is a 422 naming the one field at fault. value is echoed back;
// never pass a secret.
func fieldError(location, message string, value any) error {
	return huma.Error422UnprocessableEntity("validation failed",
		&huma.ErrorDetail{Location: location, Message: message, Value: value})
}

// writeProblem writes an RFC 9457 problem from Fiber code paths outside
// huma: middleware refusals, unknown routes, oversized bodies.
func writeProblem(c *fiber.Ctx, status int, detail string) error {
	body, _ := json.Marshal(&huma.ErrorModel{Status: status, Title: http.StatusText(status), Detail: detail})
	c.Set(fiber.HeaderContentType, problemType)
	return c.Status(status).Send(body)
}

// fiberErrorHandler answers errors that reach Fiber as problems.
func (s *Server) fiberErrorHandler(c *fiber.Ctx, err error) error {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		detail := fe.Message
		switch fe.Code {
		case fiber.StatusRequestEntityTooLarge:
			detail = "request body too large"
		case fiber.StatusNotFound:
			detail = "no such route"
		}
		return writeProblem(c, fe.Code, detail)
	}
	requestLogger(c.UserContext(), s.log).Error("request failed", "error", err)
	return writeProblem(c, fiber.StatusInternalServerError, "internal error")
}

func isNotFound(err error) bool { return errors.Is(err, domain.ErrNotFound) }
