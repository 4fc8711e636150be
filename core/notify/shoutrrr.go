package notify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/nicholas-fedor/shoutrrr/pkg/router"
	"github.com/nicholas-fedor/shoutrrr/pkg/services/push/ntfy"
	"github.com/nicholas-fedor/shoutrrr/pkg/types"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/outbound"
)

// serviceScheme returns the shoutrrr service a URL names: its scheme, or
// the part before "+" ("generic+https").
func serviceScheme(u *url.URL) string {
	s := strings.ToLower(u.Scheme)
	if i := strings.Index(s, "+"); i >= 0 {
		s = s[:i]
	}
	return s
}

// unroutable are the shoutrrr services whose connections cannot be made
// by the outbound dialer: they build their own transport (gotify,
// mattermost) or speak SMTP over their own sockets (smtp), so the address
// they reach would go unchecked. They are refused; a webhook sink with a
// template reaches Gotify and Mattermost through the checked dialer.
var unroutable = map[string]string{
	"gotify":     "a webhook sink to https://HOST/message?token=TOKEN with a template such as {\"title\":{{json .Title}},\"message\":{{json .Message}}} sends the same message",
	"mattermost": "a webhook sink to the incoming webhook URL with a template such as {\"text\":{{json .Message}}} sends the same message",
	"smtp":       "use a webhook sink to a mail relay, or a chat or push service",
}

// checkShoutrrrURL checks that a URL names a shoutrrr service this server
// can send through its address check, and that the service accepts it,
// without sending anything. Its error never quotes the URL.
func checkShoutrrrURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return errors.New("must be a shoutrrr service URL (discord://, slack://, ntfy://, …) or an http(s) URL for a webhook")
	}
	var r router.ServiceRouter
	scheme := serviceScheme(u)
	if _, err := r.NewService(scheme); err != nil {
		return fmt.Errorf("names no known service %q", scheme)
	}
	if alt, ok := unroutable[scheme]; ok {
		return fmt.Errorf("names %s, which makes its own connections that this server cannot check against its address policy: %s", scheme, alt)
	}
	if _, err := r.Locate(raw); err != nil {
		return fmt.Errorf("is not a valid %s URL: check it against the service's documentation", scheme)
	}
	return nil
}

// errStillSending reports a sink whose previous send was abandoned and has
// not returned yet.
var errStillSending = errors.New("the previous message to this service has not returned yet")

// errNoDefaultDialer refuses a send that would bypass the address check.
var errNoDefaultDialer = errors.New("notification services are not sent before the outbound dialer is installed")

// clientSetter is a shoutrrr service that takes an HTTP client (ntfy,
// pagerduty).
type clientSetter interface{ SetHTTPClient(*http.Client) }

// routeService makes svc's connections go through the outbound dialer. A
// service that takes a client gets one built on the notifier's dialer;
// the others use net/http's default transport, which dials through the
// dialer outbound.InstallDefault installed, and are refused if none is.
func (n *Notifier) routeService(scheme string, svc types.Service) error {
	if _, ok := unroutable[scheme]; ok {
		return fmt.Errorf("%s makes its own connections, which this server cannot check against its address policy", scheme)
	}
	if cs, ok := svc.(clientSetter); ok {
		opts := outbound.TransportOptions{}
		if s, ok := svc.(*ntfy.Service); ok && s.Config != nil {
			opts.InsecureSkipVerify = s.Config.DisableTLSVerification
		}
		cs.SetHTTPClient(&http.Client{Transport: n.deps.Outbound.Transport(opts), Timeout: n.cfg.AttemptTimeout})
		return nil
	}
	if outbound.Installed() == nil {
		return errNoDefaultDialer
	}
	return nil
}

// sendShoutrrr delivers a message through a shoutrrr service. Services
// take no context: a send outliving ctx is abandoned and reported as
// timed out, and the sink gets no new send until the abandoned one
// returns, so a hanging service holds at most one goroutine.
func (n *Notifier) sendShoutrrr(ctx context.Context, sinkID int64, target domain.NotificationTarget, m Message) error {
	raw := target.URL.Reveal()
	u, err := url.Parse(raw)
	if err != nil {
		return permanentError{errors.New("the service URL is not valid")}
	}
	var r router.ServiceRouter
	svc, err := r.Locate(raw)
	if err != nil {
		return permanentError{errors.New("the service URL is not valid")}
	}
	if err := n.routeService(serviceScheme(u), svc); err != nil {
		return permanentError{err}
	}
	n.mu.Lock()
	if n.sending[sinkID] {
		n.mu.Unlock()
		return errStillSending
	}
	n.sending[sinkID] = true
	n.mu.Unlock()
	text := m.Text
	if text == "" {
		text = m.Title
	}
	done := make(chan error, 1)
	go func() {
		err := svc.Send(text, &types.Params{"title": m.Title})
		n.mu.Lock()
		delete(n.sending, sinkID)
		n.mu.Unlock()
		done <- err
	}()
	select {
	case err := <-done:
		if errors.Is(err, outbound.ErrBlocked) {
			return permanentError{err}
		}
		return err
	case <-ctx.Done():
		return fmt.Errorf("the service did not answer in time: %w", ctx.Err())
	}
}
