package apiwire

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/outbound"
)

// Tester returns an api.InstanceTester that calls the arr's system/status
// through d, which refuses the addresses its policy forbids when it dials.
func Tester(d *outbound.Dialer, log *slog.Logger) api.InstanceTester {
	return tester{dialer: d, log: log}
}

type tester struct {
	dialer *outbound.Dialer
	log    *slog.Logger
}

func (t tester) Test(ctx context.Context, target api.TestTarget) (api.TestResult, error) {
	tr := t.dialer.Transport(outbound.TransportOptions{InsecureSkipVerify: !target.VerifyTLS, TLSHandshakeTimeout: target.Timeout})
	defer tr.CloseIdleConnections()
	c, err := arr.New(arr.Config{
		Kind: target.Kind, URL: target.URL, APIKey: target.APIKey.Reveal(),
		Timeout: target.Timeout, MaxRetries: -1, HTTPClient: &http.Client{Transport: tr}, Logger: t.log,
	})
	if err != nil {
		return api.TestResult{}, &api.TestError{Err: api.ErrTestUnreachable, Class: "invalid", Message: "the URL or API key cannot make a request"}
	}
	res, err := c.Test(ctx)
	if err != nil {
		return api.TestResult{}, classify(err, target.Kind.AppName(), res.App)
	}
	return api.TestResult{App: res.App, Version: res.Version, InstanceName: res.InstanceName, Latency: res.Latency}, nil
}

// knownApps are the appNames named back to the user when a URL answers as
// another application; any other answer is "not Sonarr/Radarr", so a
// foreign service's words are never echoed.
var knownApps = []string{"Sonarr", "Radarr", "Lidarr", "Readarr", "Prowlarr", "Whisparr"}

// classify maps a failed test onto a coarse class with a fixed message.
// Nothing the other end sent (a body, a header, an error page) is quoted:
// the test can be pointed at any address the policy allows, and its answer
// must not turn into a way of reading other services. Refused, reset and
// closed connections and answers that are not HTTP share one class, so the
// test does not tell a closed port from an open one that speaks something
// else.
func classify(err error, app, found string) error {
	fail := func(sentinel error, class, msg string) error {
		return &api.TestError{Err: sentinel, Class: class, Message: msg}
	}
	var refused *outbound.RefusedError
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	var ae *arr.Error
	switch {
	case errors.As(err, &refused):
		return fail(api.ErrTestUnreachable, "blocked", "url "+refused.Reason.Error())
	case errors.Is(err, arr.ErrTimeout):
		return fail(api.ErrTestTimeout, "timeout", app+" did not answer in time")
	case errors.As(err, &dnsErr):
		return fail(api.ErrTestUnreachable, "dns", "the host name does not resolve: check its spelling and this server's DNS")
	case errors.As(err, &certErr), errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &invalidCert):
		return fail(api.ErrTestUnreachable, "tls", "the TLS certificate is not trusted for this host: fix the certificate, or set verify_tls to false for a self-signed one")
	case errors.Is(err, arr.ErrUnauthorized):
		return fail(api.ErrTestUnauthorized, "unauthorized", "the API key was refused")
	case errors.Is(err, arr.ErrWrongApp):
		for _, k := range knownApps {
			if strings.EqualFold(found, k) {
				return fail(api.ErrTestWrongApp, "wrong_app", "the URL answers as "+k+", not "+app)
			}
		}
		return fail(api.ErrTestWrongApp, "wrong_app", "the URL answers, but not as "+app+": check the URL base ("+app+" → Settings → General → URL Base)")
	case errors.Is(err, arr.ErrRedirect):
		return fail(api.ErrTestUnreachable, "not_api", "the URL answers with a redirect, which is not followed so the API key stays with this URL: enter the address "+app+" answers on (http or https, URL base)")
	case errors.Is(err, arr.ErrUnreachable):
		return fail(api.ErrTestUnreachable, "refused", "no HTTP answer at this address: nothing accepted the connection, or it closed without answering HTTP; check the host, the port and http or https")
	case errors.As(err, &ae) && ae.Status != 0:
		return fail(api.ErrTestUnreachable, "not_api", fmt.Sprintf("an HTTP server answers at this URL (HTTP %d), but not the %s API: check the URL base (%s → Settings → General → URL Base)", ae.Status, app, app))
	case errors.As(err, &ae) && ae.Kind == arr.KindContract:
		return fail(api.ErrTestUnreachable, "not_api", "an HTTP server answers at this URL, but not with the "+app+" API: check the URL base ("+app+" → Settings → General → URL Base)")
	}
	return err
}
