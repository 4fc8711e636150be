package notify

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/nicholas-fedor/shoutrrr"
	"github.com/nicholas-fedor/shoutrrr/pkg/router"
	"github.com/nicholas-fedor/shoutrrr/pkg/types"

	"github.com/vibequality/searcharr/core/domain"
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

// checkShoutrrrURL checks that a URL names a shoutrrr service and that the
// service accepts it, without sending anything. Its error never quotes the
// URL.
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
	if _, err := r.Locate(raw); err != nil {
		return fmt.Errorf("is not a valid %s URL: check it against the service's documentation", scheme)
	}
	return nil
}

// errStillSending reports a sink whose previous send was abandoned and has
// not returned yet.
var errStillSending = errors.New("the previous message to this service has not returned yet")

// sendShoutrrr delivers a message through a shoutrrr service. Services
// take no context: a send outliving ctx is abandoned and reported as
// timed out, and the sink gets no new send until the abandoned one
// returns, so a hanging service holds at most one goroutine.
func (n *Notifier) sendShoutrrr(ctx context.Context, sinkID int64, target domain.NotificationTarget, m Message) error {
	sender, err := shoutrrr.CreateSender(target.URL.Reveal())
	if err != nil {
		return permanentError{errors.New("the service URL is not valid")}
	}
	n.mu.Lock()
	if n.sending[sinkID] {
		n.mu.Unlock()
		return errStillSending
	}
	n.sending[sinkID] = true
	n.mu.Unlock()
	// ctx bounds the attempt; the router's own timeout would abandon the
	// service's goroutine where the guard below cannot see it.
	sender.Timeout = 24 * time.Hour
	text := m.Text
	if text == "" {
		text = m.Title
	}
	done := make(chan []error, 1)
	go func() {
		errs := sender.Send(text, &types.Params{"title": m.Title})
		n.mu.Lock()
		delete(n.sending, sinkID)
		n.mu.Unlock()
		done <- errs
	}()
	select {
	case errs := <-done:
		return errors.Join(errs...)
	case <-ctx.Done():
		return fmt.Errorf("the service did not answer in time: %w", ctx.Err())
	}
}
