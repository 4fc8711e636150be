package api

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

type webhookOutput struct {
	Body struct {
		InstanceID int64            `json:"instance_id"`
		URL        string           `json:"url" doc:"Sonarr/Radarr Settings → Connect → Webhook → URL"`
		Method     string           `json:"method" enum:"POST" doc:"Webhook → Method"`
		Username   string           `json:"username" doc:"Webhook → Username"`
		Password   string           `json:"password" doc:"Webhook → Password. Shown to the instance's owner here and nowhere else"`
		LastTestAt *time.Time       `json:"last_test_at" doc:"When the arr's Test event last arrived"`
		Warning    string           `json:"warning,omitempty" doc:"Set when the URL's host is a loopback address known only from the request, which Sonarr/Radarr in another container or on another machine cannot reach: set SEARCHARR_BASE_URL"`
		Triggers   []webhookTrigger `json:"triggers" doc:"The Connect → Webhook triggers to tick for this instance's kind"`
	}
}

// webhookTrigger is one notification trigger of the arr's webhook
// connection.
type webhookTrigger struct {
	Label string `json:"label" doc:"As the arr's Connect → Webhook form names it"`
	Field string `json:"field" doc:"The notification resource's field in the arr's API"`
	Why   string `json:"why" doc:"What Searcharr does with the event"`
}

// webhookTriggers are the triggers Searcharr acts on, per kind (see
// core/webhook's processor and ../shared/arr-contracts).
var webhookTriggers = map[domain.InstanceKind][]webhookTrigger{
	domain.KindSonarr: {
		{"On Grab", "onGrab", "a searched episode was found"},
		{"On File Import", "onDownload", "a found episode arrived; the wanted list changes"},
		{"On File Upgrade", "onUpgrade", "an upgrade arrived; the cutoff list changes"},
		{"On Series Add", "onSeriesAdd", "new series for queues subscribed to additions"},
		{"On Series Delete", "onSeriesDelete", "the wanted list changes"},
		{"On Episode File Delete", "onEpisodeFileDelete", "the wanted list changes"},
		{"On Health Issue", "onHealthIssue", "searches pause while indexers fail"},
		{"On Health Restored", "onHealthRestored", "searches resume"},
		{"On Manual Interaction Required", "onManualInteractionRequired", "you are notified"},
	},
	domain.KindRadarr: {
		{"On Grab", "onGrab", "a searched movie was found"},
		{"On File Import", "onDownload", "a found movie arrived; the wanted list changes"},
		{"On File Upgrade", "onUpgrade", "an upgrade arrived; the cutoff list changes"},
		{"On Movie Added", "onMovieAdded", "new movies for queues subscribed to additions"},
		{"On Movie Delete", "onMovieDelete", "the wanted list changes"},
		{"On Movie File Delete", "onMovieFileDelete", "the wanted list changes"},
		{"On Health Issue", "onHealthIssue", "searches pause while indexers fail"},
		{"On Health Restored", "onHealthRestored", "searches resume"},
		{"On Manual Interaction Required", "onManualInteractionRequired", "you are notified"},
	},
}

// loopbackWarning is the webhook answer's warning when Searcharr only
// knows a loopback address for itself.
const loopbackWarning = "Searcharr only knows itself by a loopback address (%s), which Sonarr/Radarr reach only when " +
	"they run on this same machine, outside any container. Set SEARCHARR_BASE_URL to the address they can reach " +
	"(for example http://192.168.1.10:7337 or http://searcharr:7337 on a Docker network), restart Searcharr, and " +
	"copy the URL again."

// isLoopbackHost reports whether a Host header names this machine only.
func isLoopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(strings.ToLower(host), "[]")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && (ip.IsLoopback() || ip.IsUnspecified())
}

func (s *Server) instanceWebhookRoutes() {
	op := operation(http.MethodGet, "/api/instances/{id}/webhook", "get-instance-webhook", "instances",
		"What to paste into Sonarr/Radarr's Connect → Webhook, generated on first call", 0)
	op.Description = "Answers the URL, method, username and password Sonarr/Radarr must use to call this instance's " +
		"webhook receiver. The URL carries a long random token and the password is sent as HTTP basic auth. " +
		"This is, by design, the one place a stored secret is shown: only to the instance's owner, never in " +
		"any other answer, log line or error. Regenerate them if they leak."
	handle(s, op, s.getInstanceWebhook)
	op = operation(http.MethodPost, "/api/instances/{id}/webhook/regenerate", "regenerate-instance-webhook", "instances",
		"Replace the webhook token and credentials; the old ones stop working at once", 0)
	op.Description = "Answers the new URL and credentials, which must then be pasted into Sonarr/Radarr."
	handle(s, op, s.regenerateInstanceWebhook)
}

// newWebhookEndpoint draws a fresh path token, username and password.
func newWebhookEndpoint(instanceID int64) (domain.WebhookEndpoint, error) {
	token, err := randomString(32)
	if err != nil {
		return domain.WebhookEndpoint{}, err
	}
	password, err := randomString(32)
	if err != nil {
		return domain.WebhookEndpoint{}, err
	}
	user := make([]byte, 4)
	if _, err := rand.Read(user); err != nil {
		return domain.WebhookEndpoint{}, fmt.Errorf("api: unable to draw webhook credentials: %w", err)
	}
	return domain.WebhookEndpoint{InstanceID: instanceID, Token: domain.Secret(token),
		Username: "searcharr-" + hex.EncodeToString(user), Password: domain.Secret(password)}, nil
}

func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("api: unable to draw webhook credentials: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// publicBase is the URL Sonarr/Radarr reach Searcharr at: the configured
// base URL, or else the scheme and host of the request (believed from
// X-Forwarded-* only when a trusted proxy sent them).
func (s *Server) publicBase(ctx context.Context) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimRight(s.cfg.BaseURL, "/")
	}
	info := infoFrom(ctx)
	scheme := "http"
	if info.https {
		scheme = "https"
	}
	return scheme + "://" + info.host
}

func (s *Server) webhookAnswer(ctx context.Context, inst domain.Instance, ep domain.WebhookEndpoint) *webhookOutput {
	out := &webhookOutput{}
	b := &out.Body
	b.InstanceID, b.Method, b.Username, b.LastTestAt = inst.ID, http.MethodPost, ep.Username, inst.WebhookLastTestAt
	base := s.publicBase(ctx)
	b.URL = base + WebhookPath(inst.ID, ep.Token.Reveal())
	b.Password = ep.Password.Reveal()
	if s.cfg.BaseURL == "" && isLoopbackHost(infoFrom(ctx).host) {
		b.Warning = fmt.Sprintf(loopbackWarning, base)
	}
	b.Triggers = webhookTriggers[inst.Kind]
	if b.Triggers == nil {
		b.Triggers = []webhookTrigger{}
	}
	return out
}

func (s *Server) getInstanceWebhook(ctx context.Context, in *idInput) (*webhookOutput, error) {
	inst, err := s.ownedInstance(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	ep, err := s.deps.Webhooks.WebhookEndpoint(ctx, inst.ID)
	if err != nil {
		return nil, s.fail(ctx, err, fmt.Sprintf("instance %d", inst.ID))
	}
	if !ep.Configured() {
		fresh, err := newWebhookEndpoint(inst.ID)
		if err != nil {
			return nil, err
		}
		if ep, err = s.deps.Webhooks.InitWebhookEndpoint(ctx, fresh); err != nil {
			return nil, s.fail(ctx, err, fmt.Sprintf("instance %d", inst.ID))
		}
		requestLogger(ctx, s.log).Info("instance webhook credentials generated", "instance_id", inst.ID)
	}
	return s.webhookAnswer(ctx, inst, ep), nil
}

func (s *Server) regenerateInstanceWebhook(ctx context.Context, in *idInput) (*webhookOutput, error) {
	inst, err := s.ownedInstance(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	ep, err := newWebhookEndpoint(inst.ID)
	if err != nil {
		return nil, err
	}
	if err := s.deps.Webhooks.SetWebhookEndpoint(ctx, ep); err != nil {
		return nil, s.fail(ctx, err, fmt.Sprintf("instance %d", inst.ID))
	}
	requestLogger(ctx, s.log).Info("instance webhook credentials regenerated", "instance_id", inst.ID)
	return s.webhookAnswer(ctx, inst, ep), nil
}

// WebhookRoute is the route of the webhook receiver in Fiber's syntax: an
// instance id and its path token. MountWebhookReceiver registers a handler
// on it; WebhookPath builds it.
const WebhookRoute = "/api/webhooks/:instance_id/:token"

const webhookPrefix = "/api/webhooks/"

// WebhookPath is the path (under the base URL) Sonarr/Radarr call for an
// instance with its token.
func WebhookPath(instanceID int64, token string) string {
	return webhookPrefix + strconv.FormatInt(instanceID, 10) + "/" + token
}

// parseWebhookPath splits a receiver path into its instance id and token.
func parseWebhookPath(path string) (int64, string, bool) {
	rest, ok := strings.CutPrefix(path, webhookPrefix)
	if !ok {
		return 0, "", false
	}
	idText, token, ok := strings.Cut(rest, "/")
	if !ok || token == "" || strings.Contains(token, "/") {
		return 0, "", false
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return 0, "", false
	}
	return id, token, true
}
