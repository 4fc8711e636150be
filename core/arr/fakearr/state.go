package fakearr

import (
	"context"
	"fmt"
	"maps"
	"time"
)

// counters are the instance's running totals.
type counters struct {
	IndexerSearches   int
	SearchesByCommand map[string]int
	LimitRejected     int
	Commands          int
	Grabs             int
	Imports           int
}

// Counters is a snapshot of an instance's totals.
type Counters struct {
	// IndexerSearches counts searches sent to indexers.
	IndexerSearches int `json:"indexerSearches"`
	// SearchesByCommand splits IndexerSearches by command name.
	SearchesByCommand map[string]int `json:"searchesByCommand"`
	// SearchesToday counts the searches of the current UTC day.
	SearchesToday int `json:"searchesToday"`
	// LimitRejected counts searches not made because of the daily limit.
	LimitRejected int `json:"limitRejected"`
	// Commands counts commands accepted (de-duplicated ones once).
	Commands int `json:"commands"`
	// Grabs and Imports count releases grabbed and imported.
	Grabs   int `json:"grabs"`
	Imports int `json:"imports"`
	// Queue is the number of queue records.
	Queue int `json:"queue"`
	// WebhooksSent and WebhooksFailed count deliveries.
	WebhooksSent   int `json:"webhooksSent"`
	WebhooksFailed int `json:"webhooksFailed"`
}

// Counters returns the instance's totals.
func (in *Instance) Counters() Counters {
	in.mu.Lock()
	c := Counters{
		IndexerSearches:   in.counters.IndexerSearches,
		SearchesByCommand: maps.Clone(in.counters.SearchesByCommand),
		SearchesToday:     in.indexer.used,
		LimitRejected:     in.counters.LimitRejected,
		Commands:          in.counters.Commands,
		Grabs:             in.counters.Grabs,
		Imports:           in.counters.Imports,
		Queue:             len(in.queueRecords(in.now(), false, false, false)),
	}
	in.mu.Unlock()
	if c.SearchesByCommand == nil {
		c.SearchesByCommand = map[string]int{}
	}
	for _, d := range in.hooks.list() {
		if d.Sent && d.Error == "" {
			c.WebhooksSent++
		} else if d.Sent {
			c.WebhooksFailed++
		}
	}
	return c
}

// ItemState is what Go tests can read of an episode or a movie.
type ItemState struct {
	ID        int
	Title     string
	Monitored bool
	// SeriesMonitored is the series' flag (episodes only).
	SeriesMonitored bool
	SeriesID        int
	Season, Episode int
	HasFile         bool
	FileID          int
	CutoffNotMet    bool
	InQueue         bool
	// Findable reports whether a search would find a release (when wanted).
	Findable       bool
	AirDateUTC     *time.Time
	LastSearchTime *time.Time
	// Movie fields.
	Year                int
	Status              string
	MinimumAvailability string
	IsAvailable         bool
}

func timePtr(sec int64) *time.Time {
	if sec == 0 {
		return nil
	}
	t := time.Unix(sec, 0).UTC()
	return &t
}

// Episode returns the state of a Sonarr episode.
func (in *Instance) Episode(id int) (ItemState, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.son == nil || id < 1 || id > len(in.son.episodes) {
		return ItemState{}, false
	}
	e := &in.son.episodes[id-1]
	s := &in.son.series[e.series]
	_, rank := qualityByID(sonarrQualities, int(e.file.quality))
	return ItemState{
		ID: id, Title: episodeTitle(in.cfg.Seed, e.id), Monitored: e.monitored, SeriesMonitored: s.monitored,
		SeriesID: s.id, Season: int(e.season), Episode: int(e.number), HasFile: e.file.id != 0, FileID: int(e.file.id),
		CutoffNotMet: e.file.id != 0 && rank < profiles[s.profile-1].effectiveCutoff(),
		InQueue:      in.queuedEpisode(e.id), Findable: in.findable(id),
		AirDateUTC: timePtr(e.air), LastSearchTime: timePtr(e.lastSearch),
	}, true
}

// Movie returns the state of a Radarr movie.
func (in *Instance) Movie(id int) (ItemState, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.rad == nil || id < 1 || id > len(in.rad.movies) {
		return ItemState{}, false
	}
	m := &in.rad.movies[id-1]
	_, rank := qualityByID(radarrQualities, int(m.file.quality))
	return ItemState{
		ID: id, Title: m.title, Monitored: m.monitored, HasFile: m.file.id != 0, FileID: int(m.file.id),
		CutoffNotMet: m.file.id != 0 && rank < profiles[m.profile-1].effectiveCutoff(),
		InQueue:      in.queuedMovie(id), Findable: in.findable(id), LastSearchTime: timePtr(m.lastSearch),
		Year: m.year, Status: m.status, MinimumAvailability: m.minAvailability,
		IsAvailable: m.isAvailable(in.now().Unix(), in.cfg.AvailabilityDelay),
	}, true
}

// Wanted returns the ids in a wanted list (cutoff or missing) with the
// given monitored filter, in ascending default-key order.
func (in *Instance) Wanted(cutoff, monitored bool) []int {
	in.mu.Lock()
	defer in.mu.Unlock()
	key := sonarrWantedKeys[0]
	if in.rad != nil {
		key = radarrWantedKeys[0]
	}
	idx := in.wantedIndexes(wantedKey{cutoff: cutoff, monitored: monitored, sortKey: key}, in.now().Unix())
	out := make([]int, len(idx))
	for i, x := range idx {
		out[i] = int(x) + 1
	}
	return out
}

// LibrarySize returns the number of series and episodes, or 0 and movies.
func (in *Instance) LibrarySize() (series, items int) {
	if in.son != nil {
		return len(in.son.series), len(in.son.episodes)
	}
	return 0, len(in.rad.movies)
}

// CommandState is a snapshot of one command.
type CommandState struct {
	ID      int
	Name    string
	Status  string
	Result  string
	Message string
	// Searches is the number of indexer searches the command made.
	Searches int
	// Reports is the number of releases it grabbed.
	Reports                int
	Queued, Started, Ended time.Time
}

func (c *command) state() CommandState {
	return CommandState{ID: c.id, Name: c.name, Status: c.status, Result: c.result, Message: c.message,
		Searches: c.searches, Reports: c.reports, Queued: c.queued, Started: c.started, Ended: c.ended}
}

// Commands returns every command received, oldest first.
func (in *Instance) Commands() []CommandState {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := make([]CommandState, len(in.commands))
	for i, c := range in.commands {
		out[i] = c.state()
	}
	return out
}

// Command returns one command.
func (in *Instance) Command(id int) (CommandState, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	c := in.commandByID(id)
	if c == nil {
		return CommandState{}, false
	}
	return c.state(), true
}

// WaitCommand waits until the command has ended (completed, failed or
// cancelled) or ctx ends.
func (in *Instance) WaitCommand(ctx context.Context, id int) (CommandState, error) {
	for {
		in.advance()
		c, ok := in.Command(id)
		if !ok {
			return c, fmt.Errorf("fakearr: command %d not found", id)
		}
		if c.Status != "queued" && c.Status != "started" {
			return c, nil
		}
		select {
		case <-ctx.Done():
			return c, fmt.Errorf("fakearr: waiting for command %d: %w", id, ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// Webhooks returns the webhooks produced so far, with their delivery.
func (in *Instance) Webhooks() []WebhookDelivery { return in.hooks.list() }

// WaitWebhooks waits until every webhook produced so far was delivered.
func (in *Instance) WaitWebhooks(ctx context.Context) error { return in.hooks.waitIdle(ctx) }

// QueueLen returns the number of queue records.
func (in *Instance) QueueLen() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return len(in.queueRecords(in.now(), false, false, false))
}
