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

type testConnBody struct {
	Kind           string `json:"kind,omitempty" enum:"sonarr,radarr," doc:"Omitted or empty: detected from the application's own status"`
	URL            string `json:"url" minLength:"1" maxLength:"2048"`
	APIKey         string `json:"api_key" minLength:"1" maxLength:"256" writeOnly:"true"`
	VerifyTLS      *bool  `json:"verify_tls,omitempty"`
	TimeoutSeconds int    `json:"timeout_seconds,omitempty" minimum:"1" maximum:"300" default:"30"`
}

type testConnInput struct {
	Body testConnBody
}

type testConnOutput struct {
	Body struct {
		Success      bool   `json:"success"`
		Kind         string `json:"kind" enum:"sonarr,radarr" doc:"The kind the application answered as"`
		App          string `json:"app" example:"Sonarr"`
		Version      string `json:"version" example:"4.0.19.2979"`
		InstanceName string `json:"instance_name"`
		LatencyMS    int64  `json:"latency_ms"`
	}
}

func (s *Server) instanceTestRoutes() {
	op := operation(http.MethodPost, "/api/instances/test", "test-instance-settings", "instances",
		"Test a connection before saving: app, version, latency", 0)
	op.Errors = []int{http.StatusUnprocessableEntity, http.StatusGatewayTimeout}
	handle(s, op, s.testSettings)
	op = operation(http.MethodPost, "/api/instances/{id}/test", "test-instance", "instances",
		"Test a saved instance's connection: app, version, latency", 0)
	op.Errors = []int{http.StatusNotFound, http.StatusUnprocessableEntity, http.StatusGatewayTimeout}
	handle(s, op, s.testSaved)
}

func (s *Server) testSettings(ctx context.Context, in *testConnInput) (*testConnOutput, error) {
	b := instanceBody{Kind: in.Body.Kind, URL: in.Body.URL, APIKey: in.Body.APIKey}
	if err := s.checkInstanceBody(ctx, &b); err != nil {
		return nil, err
	}
	t := TestTarget{
		Kind: domain.InstanceKind(in.Body.Kind), URL: strings.TrimSpace(in.Body.URL), APIKey: domain.Secret(in.Body.APIKey),
		VerifyTLS: in.Body.VerifyTLS == nil || *in.Body.VerifyTLS, Timeout: time.Duration(in.Body.TimeoutSeconds) * time.Second,
	}
	if t.Kind != "" {
		return s.runTest(ctx, t)
	}
	// No kind: ask as Sonarr, then as Radarr if the URL answered as
	// another application.
	t.Kind = domain.KindSonarr
	out, err := s.runTest(ctx, t)
	if !isWrongApp(err) {
		return out, err
	}
	t.Kind = domain.KindRadarr
	out, err = s.runTest(ctx, t)
	if isWrongApp(err) {
		return nil, fieldError("body.url", "the URL answers as neither Sonarr nor Radarr; check the address and its URL base", nil)
	}
	return out, err
}

// isWrongApp reports whether a test failed because the URL answered as
// another application than the kind tested.
func isWrongApp(err error) bool {
	var se huma.StatusError
	if err == nil || !errors.As(err, &se) {
		return false
	}
	model, ok := se.(*huma.ErrorModel)
	return ok && len(model.Errors) == 1 && model.Errors[0].Location == "body.kind"
}

func (s *Server) testSaved(ctx context.Context, in *idInput) (*testConnOutput, error) {
	if _, err := s.ownedInstance(ctx, in.ID); err != nil {
		return nil, err
	}
	cred, err := s.deps.Instances.Credentials(ctx, in.ID)
	if err != nil {
		return nil, s.fail(ctx, err, fmt.Sprintf("instance %d", in.ID))
	}
	if err := s.deps.URLs.CheckURL(ctx, cred.URL); err != nil {
		return nil, fieldError("body.url", "url "+err.Error(), nil)
	}
	return s.runTest(ctx, TestTarget{Kind: cred.Kind, URL: cred.URL, APIKey: cred.APIKey, VerifyTLS: cred.VerifyTLS,
		Timeout: time.Duration(cred.TimeoutSeconds) * time.Second})
}

// runTest calls the tester within TestTimeout and maps its failure onto
// the field at fault. The API key is scrubbed from any message.
func (s *Server) runTest(ctx context.Context, t TestTarget) (*testConnOutput, error) {
	if t.Timeout <= 0 || t.Timeout > s.cfg.TestTimeout {
		t.Timeout = s.cfg.TestTimeout
	}
	tctx, cancel := context.WithTimeout(ctx, t.Timeout+time.Second)
	defer cancel()
	res, err := s.deps.Tester.Test(tctx, t)
	if err != nil {
		return nil, s.testFailure(ctx, t, err)
	}
	out := &testConnOutput{}
	out.Body.Success = true
	out.Body.Kind = string(t.Kind)
	out.Body.App, out.Body.Version, out.Body.InstanceName = res.App, res.Version, res.InstanceName
	out.Body.LatencyMS = res.Latency.Milliseconds()
	return out, nil
}

// testFailure maps a failed test onto the field at fault. The message is
// the tester's, which names the class of failure and quotes nothing the
// other end sent; the API key is scrubbed from it all the same.
func (s *Server) testFailure(ctx context.Context, t TestTarget, err error) error {
	msg := "the connection test failed"
	var te *TestError
	if errors.As(err, &te) {
		msg = scrub(te.Message, t.APIKey)
	}
	switch {
	case errors.Is(err, ErrTestWrongApp):
		return fieldError("body.kind", msg, string(t.Kind))
	case errors.Is(err, ErrTestUnauthorized):
		app := t.Kind.AppName()
		if app == "" {
			app = "Sonarr/Radarr"
		}
		return fieldError("body.api_key", "the API key was refused: copy it from "+app+" → Settings → General → Security → API Key", nil)
	case errors.Is(err, ErrTestTimeout):
		return huma.Error504GatewayTimeout(fmt.Sprintf("%s did not answer in %s", t.Kind.AppName(), t.Timeout))
	case errors.Is(err, ErrTestUnreachable):
		return fieldError("body.url", msg, nil)
	}
	requestLogger(ctx, s.log).Warn("instance test failed", "kind", t.Kind, "error", scrub(err.Error(), t.APIKey))
	return huma.Error502BadGateway("the connection test failed; the server log has the details")
}

// scrub removes a secret from a message, in case a collaborator echoed it.
func scrub(msg string, secret domain.Secret) string {
	if v := secret.Reveal(); len(v) >= 4 {
		msg = strings.ReplaceAll(msg, v, "[REDACTED]")
	}
	return msg
}
