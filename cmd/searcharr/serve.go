package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/debug"
	"strings"

	"github.com/vibequality/searcharr/core/api"
	"github.com/vibequality/searcharr/core/api/apiwire"
	"github.com/vibequality/searcharr/core/auth"
	"github.com/vibequality/searcharr/core/bus"
	"github.com/vibequality/searcharr/core/config"
	"github.com/vibequality/searcharr/core/dispatch"
	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/engine"
	"github.com/vibequality/searcharr/core/library"
	"github.com/vibequality/searcharr/core/live"
	"github.com/vibequality/searcharr/core/metrics"
	"github.com/vibequality/searcharr/core/notify"
	"github.com/vibequality/searcharr/core/outbound"
	"github.com/vibequality/searcharr/core/outcome"
	"github.com/vibequality/searcharr/core/retention"
	"github.com/vibequality/searcharr/core/schedule"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/web"
	"github.com/vibequality/searcharr/core/webhook"
)

// serve wires every part and runs until ctx ends, then shuts down in order:
// stop taking requests and triggers, let the dispatcher finish the command
// it is sending, stop the plugins, close the database.
func serve(ctx context.Context, args []string, stderr io.Writer) error {
	cfg, err := config.Load(args, os.Getenv)
	if err != nil {
		return err
	}
	log := cfg.NewLogger(stderr)
	// Metrics live in their own registry, served at /metrics.
	meters := metrics.New()
	meters.SetBuildInfo(Version, Commit, Date)

	// The node id's lock is taken before the database is opened: while
	// serve holds it, "searcharr restore" refuses to replace the files.
	holder, releaseHolder, err := leaseHolder(cfg.DataDir, log)
	if err != nil {
		return err
	}
	defer releaseHolder()
	st, secretKey, err := openStore(ctx, cfg, log, false)
	if err != nil {
		return err
	}
	defer st.Close()
	backups, err := newBackupScheduler(cfg, st, secretKey, log)
	if err != nil {
		return err
	}

	events, err := bus.New(bus.Config{Dialect: st.Dialect(), DB: st.DB()}, log)
	if err != nil {
		return err
	}

	plugins, err := newPluginHost(cfg, log)
	if err != nil {
		return err
	}
	defer plugins.Close()
	plugins.SetMetrics(meters)
	if err := plugins.Start(ctx); err != nil {
		return err
	}

	// Every outbound connection (instances, the connection tester, webhook
	// and notification sinks, and library code on net/http's default
	// transport) is made by one dialer that checks the address it dials.
	dialer := outbound.NewDialer(outbound.Policy{BlockPrivate: cfg.BlockPrivateURLs}, nil)
	outbound.InstallDefault(dialer)
	arrs := newClients(st, dialer, log)
	// The wanted lists are cached per instance across runs, so orders that
	// need the whole list do not refetch it every run; webhook events
	// invalidate an instance's lists.
	wanted := library.NewCache(library.DefaultCacheTTL, nil)
	arrs.wanted = wanted
	arrs.observer = arrObserver(meters)
	var eng *engine.Engine
	disp, err := dispatch.New(dispatch.Deps{
		Store:     st,
		Connector: arrs,
		Publisher: events,
		Runs:      runTrackerFunc(func(ctx context.Context, runID int64) error { return eng.CommandHandled(ctx, runID) }),
		Metrics:   meters,
		Logger:    log,
	}, dispatch.Config{Holder: holder, LeaseDuration: cfg.DispatchLease})
	if err != nil {
		return err
	}
	eng, err = engine.New(engine.Deps{Store: st, Planner: plugins, Libraries: arrs, Waker: disp, Publisher: events, Metrics: meters, Logger: log},
		engine.Config{Holder: holder, Exclusive: st.Dialect() == store.DialectSQLite})
	if err != nil {
		return err
	}
	eng.Register(events)

	// Webhooks: the receiver stores each delivery before answering; the
	// processor has its effect (outcomes, health pause/resume, wanted-list
	// invalidation, notifications, subscribed queue triggers) once.
	hooks, err := webhook.NewProcessor(webhook.ProcessorDeps{
		Deliveries: st.WebhookDeliveries(), Outcomes: st, Subscriptions: st.Queues(), Instances: st.Instances(),
		Publisher: events, Dispatch: disp, Wanted: wanted, Episodes: arrs, Metrics: meters, Logger: log,
	}, webhook.ProcessorConfig{})
	if err != nil {
		return err
	}
	hooks.Register(events)
	receiver, err := webhook.NewReceiver(webhook.ReceiverDeps{
		Endpoints: st.Instances(), Deliveries: st.WebhookDeliveries(), Instances: st.Instances(), Publisher: events, Metrics: meters, Logger: log,
	}, webhook.ReceiverConfig{})
	if err != nil {
		return err
	}
	// Instances that send no webhooks get the same outcomes from their
	// grab history.
	poller, err := outcome.New(outcome.Deps{Store: st, History: outcome.ArrHistory(arrs.client), Wanted: wanted, Logger: log}, outcome.Config{})
	if err != nil {
		return err
	}

	signingKey, err := auth.SigningKey(secretKey)
	if err != nil {
		return err
	}
	sched, err := schedule.New(schedule.Deps{Store: st, Publisher: events, Logger: log}, schedule.Config{})
	if err != nil {
		return err
	}

	notifier, err := apiwire.Notifier(st, dialer, notify.Deps{Logger: log, Metrics: meters}, notify.Config{})
	if err != nil {
		return err
	}
	notifier.Register(events)

	apiDeps := apiwire.Deps(st, events, plugins, dialer, log)
	apiDeps.Notifications = apiwire.Notifications(notifier)
	apiDeps.Budgets = disp
	apiDeps.Breakers = disp
	apiDeps.Previewer = apiwire.Previewer(eng)
	apiDeps.Scheduler = sched
	apiDeps.Schedules = sched
	meters.WatchBudgets(st.Instances(), disp)
	apiDeps.Metrics = meters.Handler()
	if st.Dialect() == store.DialectSQLite {
		apiDeps.Backups = apiBackups{backups}
	}
	// The live event stream of the web UI: every replica hears every event
	// (bus.Broadcast) and passes each to its owner's open streams.
	hub, err := live.New(live.Deps{Source: events, Store: st, RunItems: st.RunItems(), Logger: log}, live.Config{})
	if err != nil {
		return err
	}
	apiDeps.Events = hub
	server, err := api.New(apiDeps, api.Config{
		SigningKey:     signingKey,
		TrustedProxies: cfg.TrustedProxies,
		BaseURL:        cfg.BaseURL,
		Version:        Version,
		MetricsToken:   cfg.MetricsToken,
	})
	if err != nil {
		return err
	}

	server.MountWebhookReceiver(receiver.Handler)
	ui, err := web.New(web.Config{BaseURL: cfg.BaseURL})
	if err != nil {
		return err
	}
	server.MountUI(ui)

	busDone := make(chan error, 1)
	go func() { busDone <- events.Run(context.WithoutCancel(ctx)) }()
	select {
	case <-events.Running():
	case err := <-busDone:
		return fmt.Errorf("event bus: %w", err)
	}
	if err := disp.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	// Runs a stopped process left open are resumed, the same way on both
	// databases: planned again when their plan was never written, settled
	// by their commands when it was.
	if err := eng.Start(ctx); err != nil {
		return err
	}
	// The scheduler starts once the bus routes (its first pass publishes at
	// once).
	if err := sched.Start(ctx); err != nil {
		return err
	}
	if err := notifier.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	// Deliveries answered but left unprocessed by a crash are published
	// again now.
	if err := hooks.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	poller.Start(context.WithoutCancel(ctx))
	backups.Start(context.WithoutCancel(ctx))
	// What only grows (history, commands, grabs, webhook deliveries, the
	// bus's log topics) is pruned at start and every hour.
	pruner, err := retention.New(retention.Deps{Store: st, Events: events, Logger: log}, retention.Config{
		Retention: domain.Retention{History: cfg.HistoryRetention, Webhooks: cfg.WebhookRetention},
		Events:    cfg.EventRetention,
	})
	if err != nil {
		return err
	}
	pruner.Start(context.WithoutCancel(ctx))
	if err := hub.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}

	// Starting up (compressing the web UI, migrations, plugin start) leaves
	// tens of MB of garbage; hand it back now rather than keep it resident
	// until the runtime's slow background return.
	debug.FreeOSMemory()
	httpDone := make(chan error, 1)
	go func() { httpDone <- server.Listen(cfg.Listen) }()
	log.Info("searcharr started", "listen", cfg.Listen, "database", st.Dialect(), "version", Version, "commit", Commit,
		"plugins", len(plugins.List()))
	log.Info("open the web UI", "url", uiURL(cfg.BaseURL, cfg.Listen))
	if n, err := st.Users().Count(ctx); err == nil && n == 0 {
		log.Info("no user yet: the first visit to the web UI creates the administrator")
	}

	select {
	case <-ctx.Done():
	case err := <-httpDone:
		if err != nil {
			return fmt.Errorf("http: %w", err)
		}
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	var errs []error
	sched.Stop()
	poller.Stop()
	backups.Stop()
	pruner.Stop()
	hooks.Stop()
	errs = append(errs, server.Shutdown(shutdownCtx))
	hub.Close()
	// Closing the bus lets handlers in progress (a run being planned)
	// finish and takes no further triggers.
	errs = append(errs, events.Close())
	// Runs still planning are interrupted; they keep their queue and
	// resume at the next start.
	errs = append(errs, eng.Stop(shutdownCtx))
	errs = append(errs, notifier.Stop(shutdownCtx))
	errs = append(errs, disp.Stop(shutdownCtx))
	if err := <-busDone; err != nil && !errors.Is(err, context.Canceled) {
		errs = append(errs, err)
	}
	log.Info("stopped")
	return errors.Join(errs...)
}

// runTrackerFunc adapts a function to dispatch.RunTracker.
type runTrackerFunc func(ctx context.Context, runID int64) error

func (f runTrackerFunc) CommandHandled(ctx context.Context, runID int64) error { return f(ctx, runID) }

// uiURL is the address to open the web UI at: the public base URL when
// configured, else the listen address, with a wildcard host shown as
// localhost.
func uiURL(baseURL, listen string) string {
	if baseURL != "" {
		return strings.TrimRight(baseURL, "/") + "/"
	}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "http://" + listen + "/"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
