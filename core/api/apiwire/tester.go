package apiwire

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/arr"
)

// Tester returns an api.InstanceTester that calls the arr's system/status
// through a dialer that refuses the addresses policy forbids.
func Tester(policy api.URLPolicy, log *slog.Logger) api.InstanceTester {
	return tester{policy: policy, log: log}
}

type tester struct {
	policy api.URLPolicy
	log    *slog.Logger
}

func (t tester) Test(ctx context.Context, target api.TestTarget) (api.TestResult, error) {
	dialer := &net.Dialer{Timeout: target.Timeout, Control: t.policy.DialControl}
	tr := &http.Transport{
		DialContext:         dialer.DialContext,
		TLSHandshakeTimeout: target.Timeout,
		TLSClientConfig:     &tls.Config{InsecureSkipVerify: !target.VerifyTLS}, //nolint:gosec // the user's choice for self-signed setups
	}
	defer tr.CloseIdleConnections()
	c, err := arr.New(arr.Config{
		Kind: target.Kind, URL: target.URL, APIKey: target.APIKey.Reveal(),
		Timeout: target.Timeout, MaxRetries: -1, HTTPClient: &http.Client{Transport: tr}, Logger: t.log,
	})
	if err != nil {
		return api.TestResult{}, &failure{sentinel: api.ErrTestUnreachable, msg: err.Error()}
	}
	res, err := c.Test(ctx)
	if err != nil {
		return api.TestResult{}, classify(err)
	}
	return api.TestResult{App: res.App, Version: res.Version, InstanceName: res.InstanceName, Latency: res.Latency}, nil
}

// failure is a test failure: a sentinel of package api with a message for
// the user.
type failure struct {
	sentinel error
	msg      string
}

func (f *failure) Error() string { return f.msg }
func (f *failure) Unwrap() error { return f.sentinel }

// classify maps an arr error onto the api's test sentinels.
func classify(err error) error {
	var ae *arr.Error
	if !errors.As(err, &ae) {
		return err
	}
	msg := ae.Message
	if ae.Hint != "" {
		if msg != "" {
			msg += " "
		}
		msg += "(" + ae.Hint + ")"
	}
	if ae.Err != nil {
		if msg != "" {
			msg += ": "
		}
		msg += ae.Err.Error()
	}
	if msg == "" {
		msg = string(ae.Kind)
	}
	switch {
	case errors.Is(err, arr.ErrWrongApp):
		return &failure{sentinel: api.ErrTestWrongApp, msg: msg}
	case errors.Is(err, arr.ErrUnauthorized):
		return &failure{sentinel: api.ErrTestUnauthorized, msg: msg}
	case errors.Is(err, arr.ErrTimeout):
		return &failure{sentinel: api.ErrTestTimeout, msg: msg}
	case errors.Is(err, arr.ErrUnreachable), errors.Is(err, arr.ErrRedirect), errors.Is(err, arr.ErrNotFound),
		errors.Is(err, arr.ErrContract), errors.Is(err, arr.ErrInvalid):
		return &failure{sentinel: api.ErrTestUnreachable, msg: msg}
	}
	return err
}
