package fakearr

import (
	"net/http"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// indexerState counts the indexer searches of the current UTC day and the
// health checks raised.
type indexerState struct {
	day    int64
	used   int
	raised map[string]healthCheck
}

// healthCheck is one health issue, as the health endpoint and webhooks
// report it.
type healthCheck struct {
	source  string
	level   string
	message string
	wiki    string
}

const (
	healthIndexerLimit    = "IndexerStatusCheck"
	healthIndexersFailing = "IndexerSearchCheck"
)

// dayOf returns the UTC day number of t.
func dayOf(t time.Time) int64 { return t.UTC().Unix() / day }

// nextDay returns the start of the UTC day after t.
func nextDay(t time.Time) time.Time { return time.Unix((dayOf(t)+1)*day, 0).UTC() }

// rollDay resets the daily count when the day changed, restoring the limit
// health check. The caller holds the lock.
func (in *Instance) rollDay(now time.Time) {
	d := dayOf(now)
	if d <= in.indexer.day {
		return
	}
	in.indexer.day, in.indexer.used = d, 0
	in.restoreHealth(healthIndexerLimit)
}

// checkIndexerHealth restores the failing-indexers check once no fault
// makes them fail. The caller holds the lock.
func (in *Instance) checkIndexerHealth() {
	if _, ok := in.indexer.raised[healthIndexersFailing]; ok && !in.sim.faults.indexersFailing(in.cfg.Name) {
		in.restoreHealth(healthIndexersFailing)
	}
}

// check returns the health check for a source.
func (in *Instance) check(source string) healthCheck {
	app := "sonarr"
	if in.cfg.Kind == domain.KindRadarr {
		app = "radarr"
	}
	if source == healthIndexerLimit {
		return healthCheck{source, "warning", "Indexers unavailable due to failures: " + indexerName,
			"https://wiki.servarr.com/" + app + "/system#indexers-are-unavailable-due-to-failures"}
	}
	return healthCheck{source, "warning", "All search-capable indexers are temporarily unavailable due to recent indexer errors",
		"https://wiki.servarr.com/" + app + "/system#indexers-are-unavailable-due-to-failures"}
}

// raiseHealth raises a check once and queues its Health webhook.
func (in *Instance) raiseHealth(source string) {
	if in.indexer.raised == nil {
		in.indexer.raised = map[string]healthCheck{}
	}
	if _, ok := in.indexer.raised[source]; ok {
		return
	}
	c := in.check(source)
	in.indexer.raised[source] = c
	in.pending = append(in.pending, in.healthEvent("Health", c))
}

// restoreHealth clears a raised check and queues HealthRestored.
func (in *Instance) restoreHealth(source string) {
	c, ok := in.indexer.raised[source]
	if !ok {
		return
	}
	delete(in.indexer.raised, source)
	in.pending = append(in.pending, in.healthEvent("HealthRestored", c))
}

// healthResource is the apps' HealthResource.
type healthResource struct {
	Source  string `json:"source"`
	Type    string `json:"type"`
	Message string `json:"message"`
	WikiURL string `json:"wikiUrl"`
}

// handleHealth serves GET health: the raised checks.
func (in *Instance) handleHealth(w http.ResponseWriter) {
	in.mu.Lock()
	out := []healthResource{}
	for _, src := range []string{healthIndexerLimit, healthIndexersFailing} {
		if c, ok := in.indexer.raised[src]; ok {
			out = append(out, healthResource{Source: c.source, Type: c.level, Message: c.message, WikiURL: c.wiki})
		}
	}
	in.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}
