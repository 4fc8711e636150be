package api

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// ErrWebhookRefused is what CheckWebhook answers for any request that does
// not authenticate: an unknown instance, a wrong token or wrong basic
// credentials are not told apart.
var ErrWebhookRefused = errors.New("api: webhook credentials refused")

// CheckWebhook authenticates a call to the webhook receiver: the instance
// id and token of its path (see WebhookRoute) and its Authorization header
// must match the endpoint stored for the instance, compared in constant
// time. It returns the instance id, or ErrWebhookRefused, or the store's
// error when the store fails.
func CheckWebhook(ctx context.Context, endpoints WebhookEndpoints, path, authorization string) (int64, error) {
	id, token, ok := parseWebhookPath(path)
	if !ok {
		return 0, ErrWebhookRefused
	}
	user, password, ok := parseBasic(authorization)
	if !ok {
		return 0, ErrWebhookRefused
	}
	ep, err := endpoints.WebhookEndpoint(ctx, id)
	if isNotFound(err) {
		return 0, ErrWebhookRefused
	}
	if err != nil {
		return 0, err
	}
	if !ep.Verify(token, user, password) {
		return 0, ErrWebhookRefused
	}
	return id, nil
}

func parseBasic(h string) (user, password string, ok bool) {
	scheme, value, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Basic") {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(value))
	if err != nil {
		return "", "", false
	}
	return strings.Cut(string(raw), ":")
}

// MountWebhookReceiver registers h for POST and PUT on WebhookRoute. These
// routes skip the API's own authentication (Sonarr/Radarr hold no API
// credentials): h must authenticate every call with CheckWebhook before it
// reads or stores anything. Request logs show the path without its token.
// Call it before Listen.
func (s *Server) MountWebhookReceiver(h fiber.Handler) {
	s.receiver = true
	s.app.Post(WebhookRoute, h)
	s.app.Put(WebhookRoute, h)
}

// isReceiver reports whether a request goes to a mounted webhook receiver.
func (s *Server) isReceiver(method, path string) bool {
	if !s.receiver || (method != fiber.MethodPost && method != fiber.MethodPut) {
		return false
	}
	_, _, ok := parseWebhookPath(path)
	return ok
}

// logPath is a request path fit for a log line: a receiver path loses its
// token.
func logPath(path string) string {
	if id, _, ok := parseWebhookPath(path); ok {
		return WebhookPath(id, "[REDACTED]")
	}
	return path
}
