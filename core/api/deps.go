package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// Instances stores Sonarr/Radarr instances. *store.Instances implements it.
type Instances interface {
	Create(ctx context.Context, in domain.Instance, apiKey domain.Secret) (domain.Instance, error)
	Get(ctx context.Context, id int64) (domain.Instance, error)
	ListByOwner(ctx context.Context, ownerID int64) ([]domain.Instance, error)
	Update(ctx context.Context, in domain.Instance) (domain.Instance, error)
	SetAPIKey(ctx context.Context, id int64, apiKey domain.Secret) error
	Delete(ctx context.Context, id int64) error
	Credentials(ctx context.Context, id int64) (domain.InstanceCredentials, error)
}

// Queues stores search queues. Get must fill Queue.OwnerID.
type Queues interface {
	Create(ctx context.Context, q domain.Queue) (domain.Queue, error)
	Get(ctx context.Context, id int64) (domain.Queue, error)
	ListByOwner(ctx context.Context, ownerID int64) ([]domain.Queue, error)
	Update(ctx context.Context, q domain.Queue) (domain.Queue, error)
	Delete(ctx context.Context, id int64) error
	Pause(ctx context.Context, id int64) (domain.Queue, error)
	// Resume reactivates a queue; a nil next keeps its stored next run.
	Resume(ctx context.Context, id int64, next *time.Time) (domain.Queue, error)
}

// Runs stores the search history. Get and List must fill Run.OwnerID and
// List must honour RunFilter.OwnerID. *store.Runs implements it.
type Runs interface {
	Create(ctx context.Context, run domain.Run) (domain.Run, error)
	// CreateLeased opens a run holding its queue's lease until leaseUntil;
	// it fails with domain.ErrBusy while another run holds the queue, and
	// returns that run's id.
	CreateLeased(ctx context.Context, run domain.Run, leaseUntil time.Time) (domain.Run, int64, error)
	Get(ctx context.Context, id int64) (domain.Run, error)
	List(ctx context.Context, f domain.RunFilter) ([]domain.Run, error)
	Count(ctx context.Context, f domain.RunFilter) (int, error)
	Finish(ctx context.Context, id int64, status domain.RunStatus, errMsg string) error
	// Stats summarises the runs f selects, without dry runs.
	Stats(ctx context.Context, f domain.RunFilter) (domain.HistoryStats, error)
	// DeleteOwnedBefore removes the finished runs of ownerID's instances
	// created before t; DeleteBefore those of every user.
	DeleteOwnedBefore(ctx context.Context, ownerID int64, t time.Time) (int64, error)
	DeleteBefore(ctx context.Context, t time.Time) (int64, error)
}

// Exclusions stores what users keep out of every search.
// *store.Exclusions implements it.
type Exclusions interface {
	Create(ctx context.Context, e domain.Exclusion) (domain.Exclusion, error)
	Get(ctx context.Context, id int64) (domain.Exclusion, error)
	ListByOwner(ctx context.Context, ownerID int64) ([]domain.Exclusion, error)
	Update(ctx context.Context, e domain.Exclusion) (domain.Exclusion, error)
	Delete(ctx context.Context, id int64) error
}

// WebhookEndpoints stores the webhook endpoint of each instance.
// *store.Instances implements it.
type WebhookEndpoints interface {
	WebhookEndpoint(ctx context.Context, instanceID int64) (domain.WebhookEndpoint, error)
	// InitWebhookEndpoint stores ep unless one exists and returns the one
	// in force.
	InitWebhookEndpoint(ctx context.Context, ep domain.WebhookEndpoint) (domain.WebhookEndpoint, error)
	SetWebhookEndpoint(ctx context.Context, ep domain.WebhookEndpoint) error
}

// PreviewOptions tune a dry run.
type PreviewOptions struct {
	// OverrideCooldown plans as if no item were cooling down.
	OverrideCooldown bool
}

// Previewer plans a queue's run without sending anything: the run is
// recorded with DryRun set, and every item gets its decision and reason.
// The engine implements it (through apiwire).
type Previewer interface {
	Preview(ctx context.Context, queueID int64, opts PreviewOptions) (domain.Run, []domain.RunItem, error)
}

// SchedulerStatus reports the scheduler's state for GET /health.
type SchedulerStatus interface {
	Running() bool
	JobsCount() int
}

// RunItems reads the per-item decisions of runs. *store.RunItems
// implements it.
type RunItems interface {
	ListByRun(ctx context.Context, runID int64, limit, offset int) ([]domain.RunItem, error)
	// Outcomes reports, for each item run searched that was found since,
	// the first grab that matched a search of it by run or a later run.
	Outcomes(ctx context.Context, run domain.Run) (map[domain.ItemKey]domain.ItemOutcome, error)
}

// Users stores accounts. *store.Users implements it.
type Users interface {
	Create(ctx context.Context, u domain.User) (domain.User, error)
	// CreateFirst creates u as administrator only while no user exists and
	// fails with domain.ErrConflict otherwise, even under concurrent calls.
	CreateFirst(ctx context.Context, u domain.User) (domain.User, error)
	Get(ctx context.Context, id int64) (domain.User, error)
	GetByUsername(ctx context.Context, username string) (domain.User, error)
	Count(ctx context.Context) (int, error)
	// List returns every user, oldest first.
	List(ctx context.Context) ([]domain.User, error)
	SetPasswordHash(ctx context.Context, id int64, hash string) error
}

// RefreshToken is a stored refresh token: only its SHA-256 is kept.
type RefreshToken struct {
	ID        int64
	UserID    int64
	FamilyID  string
	TokenHash string
	UserAgent string
	IP        string
	ExpiresAt time.Time
}

// RefreshTokens stores refresh token hashes in rotation families.
type RefreshTokens interface {
	Create(ctx context.Context, t RefreshToken) error
	// Use consumes a token in one conditional statement. An unknown or
	// expired token is domain.ErrNotFound; a token used or revoked before
	// is domain.ErrConflict, after its whole family has been revoked.
	Use(ctx context.Context, tokenHash string, now time.Time) (RefreshToken, error)
	RevokeFamily(ctx context.Context, familyID string, now time.Time) error
	RevokeUser(ctx context.Context, userID int64, now time.Time) error
}

// APIKey is a personal API key: only its SHA-256 and a display prefix are
// kept.
type APIKey struct {
	ID         int64
	UserID     int64
	Name       string
	Prefix     string
	KeyHash    string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	ExpiresAt  *time.Time
}

// APIKeys stores personal API keys.
type APIKeys interface {
	Create(ctx context.Context, k APIKey) (APIKey, error)
	ListByUser(ctx context.Context, userID int64) ([]APIKey, error)
	GetByHash(ctx context.Context, keyHash string) (APIKey, error)
	Touch(ctx context.Context, id int64, at time.Time) error
	// Delete removes key id of userID; another user's key is
	// domain.ErrNotFound.
	Delete(ctx context.Context, userID, id int64) error
}

// Publisher publishes events on the bus. *bus.Bus implements it.
type Publisher interface {
	Publish(ctx context.Context, topic domain.Topic, kind domain.EventKind, payload any) error
}

// PluginInfo describes one strategy plugin as GET /api/plugins shows it.
type PluginInfo struct {
	Name        string
	Version     string
	Description string
	Source      string
	// SHA256 is the hex SHA-256 of the plugin's executable; empty for
	// built-ins, which are part of the searcharr binary.
	SHA256    string
	Status    string
	Restarts  int
	LastError string
	// LastFailure says in a fixed word why the plugin was last given up
	// (hung, crashed, exited, restart failed); unlike LastError, it is fit
	// for the public /health.
	LastFailure string
	// Unanswered is how long the running process has left a health check
	// unanswered; zero while it answers.
	Unanswered    time.Duration
	Triggers      []string
	InstanceKinds []string
	ConfigSchema  json.RawMessage
}

// PluginCatalog lists the loaded strategy plugins and validates queue
// configs. Validate returns an error wrapping sdk.ConfigErrors when the
// plugin refuses the config.
type PluginCatalog interface {
	Plugins() []PluginInfo
	Validate(ctx context.Context, name string, config json.RawMessage) error
}

// TestTarget is the instance a connection test reaches.
type TestTarget struct {
	Kind      domain.InstanceKind
	URL       string
	APIKey    domain.Secret
	VerifyTLS bool
	Timeout   time.Duration
}

// TestResult is what a successful connection test found.
type TestResult struct {
	App          string
	Version      string
	InstanceName string
	Latency      time.Duration
}

// URLChecker checks a URL against the outbound address policy; its
// error completes "url …". *outbound.Dialer implements it.
type URLChecker interface {
	CheckURL(ctx context.Context, raw string) error
}

// InstanceTester checks that a URL reaches the configured kind of
// application with the API key. Failures should wrap one of the
// ErrTest* sentinels so the API can name the field at fault; their
// messages must not contain the API key.
type InstanceTester interface {
	Test(ctx context.Context, t TestTarget) (TestResult, error)
}

// TestError is a failed connection test as an InstanceTester reports it:
// the sentinel that picks the field at fault, a coarse class of what failed
// (blocked, dns, refused, timeout, tls, not_api, wrong_app, unauthorized)
// and a message safe to show, which quotes nothing the other end sent.
type TestError struct {
	Err     error
	Class   string
	Message string
}

func (e *TestError) Error() string { return e.Message }
func (e *TestError) Unwrap() error { return e.Err }

// Sentinels an InstanceTester wraps to classify a failed test.
var (
	// ErrTestWrongApp: the URL answers as another application (a Radarr
	// URL saved as Sonarr) or as no *arr at all.
	ErrTestWrongApp = errors.New("wrong application")
	// ErrTestUnauthorized: the API key was refused.
	ErrTestUnauthorized = errors.New("api key refused")
	// ErrTestUnreachable: no connection could be made, or the answer was
	// not the API.
	ErrTestUnreachable = errors.New("unreachable")
	// ErrTestTimeout: the application did not answer in time.
	ErrTestTimeout = errors.New("timed out")
)

// Pinger checks that the database answers. *store.Store implements it.
type Pinger interface {
	Ping(ctx context.Context) error
}

// StorageStatus reports whether the database refuses writes it should
// take. *store.Store implements it (through apiwire).
type StorageStatus interface {
	// StorageProblem names the storage failure the last statements met
	// (disk full, I/O error, read-only, corrupt) and since when; "" once a
	// write succeeded after it.
	StorageProblem() (string, time.Time)
}

// BreakerStatus reports the instances whose circuit breaker is not
// closed. *dispatch.Dispatcher implements it.
type BreakerStatus interface {
	// Breakers maps an instance id to "open" or "half-open".
	Breakers() map[int64]string
}

// BusStatus reports whether the event bus router runs. *bus.Bus
// implements it.
type BusStatus interface {
	IsRunning() bool
}

// Deps are the API's collaborators. Every field is required except
// Previewer, Scheduler, Schedules, Logger and Now.
type Deps struct {
	Instances     Instances
	Queues        Queues
	Runs          Runs
	RunItems      RunItems
	Users         Users
	RefreshTokens RefreshTokens
	APIKeys       APIKeys
	Publisher     Publisher
	Plugins       PluginCatalog
	Tester        InstanceTester
	// URLs checks instance URLs when they are saved or tested (the
	// dialer checks again at every connection); nil means the dialer
	// outbound.InstallDefault installed, or the default policy.
	URLs       URLChecker
	Database   Pinger
	Bus        BusStatus
	Exclusions Exclusions
	Webhooks   WebhookEndpoints
	Activity   Activity
	// Previewer runs dry runs; nil answers 503 to previews.
	Previewer Previewer
	// Scheduler is shown in GET /health; nil leaves it out.
	Scheduler SchedulerStatus
	// Storage and Breakers are shown in GET /health; nil leaves them out.
	Storage  StorageStatus
	Breakers BreakerStatus
	// Schedules serves the schedule and scheduler routes; nil leaves them out.
	Schedules Schedules
	// Budgets serves GET /api/instances/{id}/budget; nil leaves it out.
	Budgets Budgets
	// Notifications serves /api/notifications; nil leaves it out.
	Notifications NotificationSinks
	// Events serves GET /api/events; nil leaves it out.
	Events EventStream
	// Metrics serves GET /metrics (the Prometheus exposition); nil leaves
	// it out. See Config.MetricsToken.
	Metrics http.Handler
	// Backups serves /api/system/backups; nil (PostgreSQL) leaves it out.
	Backups Backups
	// Logger receives request and error logs; nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (d Deps) validate() error {
	var missing []string
	check := func(name string, ok bool) {
		if !ok {
			missing = append(missing, name)
		}
	}
	check("Instances", d.Instances != nil)
	check("Queues", d.Queues != nil)
	check("Runs", d.Runs != nil)
	check("RunItems", d.RunItems != nil)
	check("Users", d.Users != nil)
	check("RefreshTokens", d.RefreshTokens != nil)
	check("APIKeys", d.APIKeys != nil)
	check("Publisher", d.Publisher != nil)
	check("Plugins", d.Plugins != nil)
	check("Tester", d.Tester != nil)
	check("Database", d.Database != nil)
	check("Bus", d.Bus != nil)
	check("Exclusions", d.Exclusions != nil)
	check("Webhooks", d.Webhooks != nil)
	check("Activity", d.Activity != nil)
	if len(missing) > 0 {
		return errors.New("api: missing dependencies: " + strings.Join(missing, ", "))
	}
	return nil
}
