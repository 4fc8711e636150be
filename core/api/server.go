package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humafiber"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"github.com/vibequality/searcharr/core/auth"
	"github.com/vibequality/searcharr/core/outbound"
)

// Server is the HTTP API: a Fiber app with the huma operations mounted.
type Server struct {
	deps     Deps
	cfg      Config
	log      *slog.Logger
	now      func() time.Time
	app      *fiber.App
	api      huma.API
	tokens   *auth.TokenIssuer
	hasher   *auth.Hasher
	limiter  *auth.LoginLimiter
	proxies  []netip.Prefix
	origins  map[string]bool
	security []map[string][]string
	// prefix is the path of the base URL ("" or "/searcharr"): every route
	// is served under it.
	prefix string
	// receiver is set once a webhook receiver is mounted.
	receiver bool
	// ui is the mounted web UI, routed the paths of the routes registered
	// before it (without parameters).
	ui     UI
	routed map[string]bool
	// closing is closed when Shutdown begins, ending event streams.
	closing     chan struct{}
	closingOnce sync.Once
}

// New builds the server and registers every route. It does not listen.
func New(deps Deps, cfg Config) (*Server, error) {
	if err := deps.validate(); err != nil {
		return nil, err
	}
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.URLs == nil {
		if d := outbound.Installed(); d != nil {
			deps.URLs = d
		} else {
			deps.URLs = outbound.NewDialer(outbound.Policy{}, nil)
		}
	}
	s := &Server{deps: deps, cfg: cfg, log: deps.Logger.With("component", "api"), now: deps.Now, closing: make(chan struct{})}

	var err error
	if s.tokens, err = auth.NewTokenIssuer(cfg.SigningKey, cfg.AccessTTL, deps.Now); err != nil {
		return nil, fmt.Errorf("api: %w", err)
	}
	if s.hasher, err = auth.NewHasher(cfg.Argon2); err != nil {
		return nil, fmt.Errorf("api: %w", err)
	}
	lc := cfg.Limiter
	if lc.Now == nil {
		lc.Now = deps.Now
	}
	s.limiter = auth.NewLoginLimiter(lc)
	s.proxies, _ = parsePrefixes(cfg.TrustedProxies)
	s.origins = map[string]bool{}
	for _, o := range append([]string{cfg.BaseURL}, cfg.AllowedOrigins...) {
		if origin, err := originOf(o); err == nil {
			s.origins[origin] = true
		}
	}

	s.prefix = basePath(cfg.BaseURL)
	s.app = fiber.New(s.fiberConfig())
	if s.prefix != "" {
		s.app.Use(s.stripPrefix)
	}
	s.app.Use(s.requestContext)
	s.app.Use(recover.New())
	s.app.Use(securityHeaders()...)
	s.app.Use(s.authenticate)

	s.api = humafiber.New(s.app, s.humaConfig())
	s.routes()
	return s, nil
}

func (s *Server) fiberConfig() fiber.Config {
	fc := fiber.Config{
		AppName: "searcharr",
		// huma refuses bodies over BodyLimit with a problem answer; Fiber's
		// own limit, twice as high, drops the connection of anything larger.
		BodyLimit:               2 * s.cfg.BodyLimit,
		ReadTimeout:             s.cfg.RequestTimeout,
		WriteTimeout:            s.cfg.RequestTimeout,
		IdleTimeout:             2 * time.Minute,
		CaseSensitive:           true,
		StrictRouting:           true,
		Immutable:               true,
		DisableStartupMessage:   true,
		EnableTrustedProxyCheck: true,
		TrustedProxies:          s.cfg.TrustedProxies,
		ErrorHandler:            s.fiberErrorHandler,
	}
	if len(s.cfg.TrustedProxies) > 0 {
		fc.ProxyHeader = fiber.HeaderXForwardedFor
		fc.EnableIPValidation = true
	}
	return fc
}

// Security scheme names in the OpenAPI document.
const (
	schemeBearer = "bearer"
	schemeAPIKey = "apiKey"
	schemeCookie = "cookie"
)

func (s *Server) humaConfig() huma.Config {
	hc := huma.DefaultConfig("Searcharr API", s.cfg.Version)
	hc.CreateHooks = nil // no $schema links in response bodies
	// The documentation page is the web UI's docs.html (see MountUI), which
	// loads nothing from elsewhere.
	hc.DocsPath = ""
	hc.Transformers = append(hc.Transformers, redactErrors)
	hc.Info.Description = "Searches the Sonarr/Radarr backlog within indexer limits. " +
		"Authenticate with a bearer access token (POST /api/auth/login), a personal API key in X-Api-Key, " +
		"or the access cookie; cookie requests that change state must send X-Requested-With."
	hc.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		schemeBearer: {Type: "http", Scheme: "bearer", BearerFormat: "JWT"},
		schemeAPIKey: {Type: "apiKey", In: "header", Name: headerAPIKey},
		schemeCookie: {Type: "apiKey", In: "cookie", Name: cookieAccess},
	}
	s.security = []map[string][]string{{schemeBearer: {}}, {schemeAPIKey: {}}, {schemeCookie: {}}}
	if s.cfg.BaseURL != "" {
		// The docs page finds the document under the base URL's path.
		hc.Servers = []*huma.Server{{URL: strings.TrimRight(s.cfg.BaseURL, "/")}}
	}
	return hc
}

// App returns the Fiber app, for tests and for mounting.
func (s *Server) App() *fiber.App { return s.app }

// API returns the huma API, to register further operations.
func (s *Server) API() huma.API { return s.api }

// Listen serves on addr until Shutdown.
func (s *Server) Listen(addr string) error {
	s.log.Info("listening", "addr", addr)
	if err := s.app.Listen(addr); err != nil {
		return fmt.Errorf("api: listen on %s: %w", addr, err)
	}
	return nil
}

// Shutdown stops accepting connections and waits for requests in flight
// until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closingOnce.Do(func() { close(s.closing) })
	if err := s.app.ShutdownWithContext(ctx); err != nil {
		return fmt.Errorf("api: shutdown: %w", err)
	}
	return nil
}

// operation describes one route for handle.
func operation(method, path, id, tag, summary string, status int) huma.Operation {
	if status == 0 {
		status = http.StatusOK
	}
	return huma.Operation{
		Method: method, Path: path, OperationID: id, Tags: []string{tag},
		Summary: summary, DefaultStatus: status,
	}
}

// handle registers an operation. Routes not in publicRoutes are documented
// as requiring authentication (the middleware enforces it); every error a
// handler returns goes through fail, so no internal error text reaches a
// client.
func handle[I, O any](s *Server, op huma.Operation, h func(context.Context, *I) (*O, error)) {
	if !isPublic(op.Method, op.Path) {
		op.Security = s.security
		op.Errors = append(op.Errors, http.StatusUnauthorized)
	}
	op.MaxBodyBytes = int64(s.cfg.BodyLimit)
	huma.Register(s.api, op, func(ctx context.Context, in *I) (*O, error) {
		out, err := h(ctx, in)
		if err != nil {
			return nil, s.fail(ctx, err, "resource")
		}
		return out, nil
	})
}

func (s *Server) routes() {
	s.healthRoutes()
	s.authRoutes()
	s.setupRoutes()
	s.eventRoutes()
	s.apiKeyRoutes()
	s.instanceRoutes()
	s.queueRoutes()
	s.historyRoutes()
	s.dashboardRoutes()
	s.exclusionRoutes()
	s.pluginRoutes()
	s.scheduleRoutes()
	s.subscriptionRoutes()
	s.expressionCheckRoute()
	s.userAdminRoutes()
	s.budgetRoutes()
	s.notificationRoutes()
	s.metricsRoutes()
	s.backupRoutes()
}
