package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/outbound"
)

// The headers of a webhook sink's requests.
const (
	// HeaderSignature carries "sha256=" and the hex HMAC-SHA256, keyed with
	// the sink's secret, of HeaderTimestamp's value, a dot, and the body.
	HeaderSignature = "X-Searcharr-Signature"
	// HeaderTimestamp carries the Unix time, in seconds, the request was
	// signed at; a receiver refuses old ones to stop replays.
	HeaderTimestamp = "X-Searcharr-Timestamp"
	// HeaderEvent carries the event kind.
	HeaderEvent = "X-Searcharr-Event"
	// HeaderDelivery carries the message id, the same on every retry, so a
	// receiver can drop duplicates.
	HeaderDelivery = "X-Searcharr-Delivery"
)

// Sign returns the HeaderSignature value of body sent at timestamp (the
// HeaderTimestamp value).
func Sign(secret []byte, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(timestamp))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Errors Verify returns.
var (
	ErrBadSignature = errors.New("notify: signature does not match")
	ErrStale        = errors.New("notify: timestamp outside the tolerance")
)

// Verify checks a webhook sink's request as a receiver should: the
// signature matches (in constant time) and the timestamp is within
// tolerance of now.
func Verify(secret []byte, timestamp string, body []byte, signature string, now time.Time, tolerance time.Duration) error {
	if !hmac.Equal([]byte(Sign(secret, timestamp, body)), []byte(signature)) {
		return ErrBadSignature
	}
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return ErrStale
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return ErrStale
	}
	return nil
}

// envelope is a webhook's default body.
type envelope struct {
	Event   domain.EventKind `json:"event"`
	Title   string           `json:"title"`
	Message string           `json:"message"`
	Sink    string           `json:"sink"`
	At      time.Time        `json:"at"`
	Data    json.RawMessage  `json:"data,omitempty"`
}

// statusError is a receiver's non-2xx answer.
type statusError struct{ code int }

func (e statusError) Error() string { return fmt.Sprintf("the receiver answered HTTP %d", e.code) }

// permanent reports a refusal that a retry will not change: a 4xx other
// than 408 (timeout) and 429 (slow down).
func (e statusError) permanent() bool {
	return e.code >= 400 && e.code < 500 && e.code != http.StatusRequestTimeout && e.code != http.StatusTooManyRequests
}

// webhookBody renders a message as a sink's body: its template, or the
// default envelope.
func (n *Notifier) webhookBody(ctx context.Context, sink domain.NotificationSink, m Message) ([]byte, error) {
	if sink.Template == "" {
		data := m.Data
		if len(data) == 0 || !json.Valid(data) {
			data = nil
		}
		return json.Marshal(envelope{Event: m.Kind, Title: m.Title, Message: m.Text, Sink: sink.Name, At: m.At.UTC(), Data: data})
	}
	t, err := parseTemplate(sink.Template)
	if err != nil {
		return nil, permanentError{err}
	}
	out, err := render(ctx, t, templateData(sink, m), n.cfg.TemplateMaxBytes, n.cfg.TemplateTimeout)
	if err != nil {
		return nil, permanentError{err}
	}
	return out, nil
}

// sendWebhook posts a message to a webhook sink, signed with its secret.
func (n *Notifier) sendWebhook(ctx context.Context, sink domain.NotificationSink, target domain.NotificationTarget, m Message) error {
	body, err := n.webhookBody(ctx, sink, m)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target.URL.Reveal(), bytes.NewReader(body))
	if err != nil {
		return permanentError{errors.New("the URL cannot make a request")}
	}
	ct := sink.ContentType
	if ct == "" {
		ct = "application/json"
	}
	ts := strconv.FormatInt(n.deps.Now().Unix(), 10)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("User-Agent", "Searcharr")
	req.Header.Set(HeaderEvent, string(m.Kind))
	req.Header.Set(HeaderDelivery, m.ID)
	req.Header.Set(HeaderTimestamp, ts)
	if !target.Secret.IsZero() {
		req.Header.Set(HeaderSignature, Sign([]byte(target.Secret.Reveal()), ts, body))
	}
	res, err := n.http.Do(req)
	if errors.Is(err, outbound.ErrBlocked) {
		return permanentError{err}
	}
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return statusError{res.StatusCode}
	}
	return nil
}

// newHTTPClient returns the webhook client: every connection made by the
// outbound dialer, which checks the address actually dialled, and no
// redirects (a receiver cannot bounce a signed request elsewhere).
func newHTTPClient(d *outbound.Dialer) *http.Client {
	return &http.Client{
		Transport:     d.Transport(outbound.TransportOptions{}),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// checkHost checks a URL's host as written: metadata names and refused
// literal addresses. Names are checked again, on every address they
// resolve to, when dialled.
func (n *Notifier) checkHost(host string) error {
	return n.deps.Outbound.Policy().CheckHost(host)
}
