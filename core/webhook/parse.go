package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vibequality/searcharr/core/domain"
)

// DownloadShape tells Sonarr's two Download payloads apart.
type DownloadShape string

// The Download shapes.
const (
	// DownloadPerFile is "On File Import"/"On File Upgrade": one
	// episodeFile (Sonarr) or movieFile (Radarr) per call.
	DownloadPerFile DownloadShape = "file"
	// DownloadImportComplete is Sonarr v4's "On Import Complete": every
	// imported file of a download in episodeFiles, in one call.
	DownloadImportComplete DownloadShape = "import_complete"
)

// Series is the series of a Sonarr payload.
type Series struct {
	ID     int64    `json:"id"`
	Title  string   `json:"title"`
	Path   string   `json:"path"`
	TvdbID int64    `json:"tvdbId"`
	Type   string   `json:"type"`
	Tags   []string `json:"tags"`
}

// Episode is one episode of a Sonarr payload.
type Episode struct {
	ID            int64  `json:"id"`
	SeasonNumber  int    `json:"seasonNumber"`
	EpisodeNumber int    `json:"episodeNumber"`
	Title         string `json:"title"`
}

// Movie is the movie of a Radarr payload.
type Movie struct {
	ID     int64    `json:"id"`
	Title  string   `json:"title"`
	Year   int      `json:"year"`
	TmdbID int64    `json:"tmdbId"`
	Tags   []string `json:"tags"`
}

// File is an episode or movie file.
type File struct {
	ID           int64  `json:"id"`
	RelativePath string `json:"relativePath"`
	Path         string `json:"path"`
	Quality      string `json:"quality"`
	ReleaseGroup string `json:"releaseGroup"`
	Size         int64  `json:"size"`
}

// Release is the release of a Grab or Download.
type Release struct {
	Quality      string `json:"quality"`
	ReleaseTitle string `json:"releaseTitle"`
	Indexer      string `json:"indexer"`
	Size         int64  `json:"size"`
	ReleaseType  string `json:"releaseType"`
}

// Event is a parsed webhook payload of either app. Fields that the event
// type does not carry are zero. Raw is the whole decoded body, what queue
// subscription conditions see as `event`.
type Event struct {
	Type           domain.WebhookEventType `json:"eventType"`
	InstanceName   string                  `json:"instanceName"`
	ApplicationURL string                  `json:"applicationUrl"`

	Series       *Series   `json:"series"`
	Episodes     []Episode `json:"episodes"`
	Movie        *Movie    `json:"movie"`
	EpisodeFile  *File     `json:"episodeFile"`
	EpisodeFiles []File    `json:"episodeFiles"`
	MovieFile    *File     `json:"movieFile"`
	Release      *Release  `json:"release"`
	IsUpgrade    bool      `json:"isUpgrade"`

	DownloadClient string `json:"downloadClient"`
	DownloadID     string `json:"downloadId"`
	DownloadStatus string `json:"downloadStatus"`

	// DeleteReason is why a file was deleted (missingFromDisk, manual,
	// upgrade, noLinkedEpisodes, manualOverride).
	DeleteReason string `json:"deleteReason"`
	AddMethod    string `json:"addMethod"`

	// Health fields: the level (ok, notice, warning, error), the check's
	// message and its type, the check class name.
	Level     string `json:"level"`
	Message   string `json:"message"`
	CheckType string `json:"type"`
	WikiURL   string `json:"wikiUrl"`

	PreviousVersion string `json:"previousVersion"`
	NewVersion      string `json:"newVersion"`

	// Shape is set on Download events only.
	Shape DownloadShape `json:"-"`
	// Raw is the decoded body.
	Raw map[string]any `json:"-"`
}

// ErrMalformed wraps every reason Parse refuses a body.
var ErrMalformed = errors.New("webhook: malformed payload")

// Parse decodes a webhook body. The body must be a JSON object with a
// string eventType; a known event type must carry its fields with the right
// JSON types. Unknown event types parse with only Type and Raw set.
func Parse(body []byte) (Event, error) {
	var raw map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&raw); err != nil {
		return Event{}, fmt.Errorf("%w: %s", ErrMalformed, jsonProblem(err))
	}
	if raw == nil {
		return Event{}, fmt.Errorf("%w: the body must be a JSON object", ErrMalformed)
	}
	if dec.More() {
		return Event{}, fmt.Errorf("%w: trailing data after the JSON object", ErrMalformed)
	}
	t, ok := raw["eventType"].(string)
	if !ok || strings.TrimSpace(t) == "" {
		return Event{}, fmt.Errorf("%w: eventType: want a non-empty string", ErrMalformed)
	}
	ev := Event{Type: domain.WebhookEventType(t), Raw: raw}
	if !ev.Type.Known() {
		return ev, nil
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		return Event{}, fmt.Errorf("%w: %s", ErrMalformed, jsonProblem(err))
	}
	ev.Raw = raw
	if ev.Type == domain.HookDownload {
		ev.Shape = DownloadPerFile
		if ev.EpisodeFile == nil && ev.EpisodeFiles != nil {
			ev.Shape = DownloadImportComplete
		}
	}
	return ev, nil
}

// jsonProblem names the field at fault in a decoding error, without
// echoing the body.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "(body)"
		}
		return fmt.Sprintf("%s: want a JSON %s, got %s", field, te.Type.Kind(), te.Value)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at offset %d", se.Offset)
	}
	if errors.Is(err, io.EOF) {
		return "empty body"
	}
	return "invalid JSON"
}

// Items are the episodes or the movie the event names.
func (e Event) Items() []domain.ItemKey {
	var out []domain.ItemKey
	seen := map[int64]bool{}
	for _, ep := range e.Episodes {
		if ep.ID > 0 && !seen[ep.ID] {
			seen[ep.ID] = true
			out = append(out, domain.ItemKey{Type: domain.ItemEpisode, ID: ep.ID})
		}
	}
	if e.Movie != nil && e.Movie.ID > 0 {
		out = append(out, domain.ItemKey{Type: domain.ItemMovie, ID: e.Movie.ID})
	}
	return out
}

// App guesses the application that sent the event from its payload:
// Sonarr events name a series, Radarr events a movie. Health, update and
// unknown events name neither.
func (e Event) App() domain.InstanceKind {
	switch {
	case e.Series != nil || e.Episodes != nil:
		return domain.KindSonarr
	case e.Movie != nil:
		return domain.KindRadarr
	}
	return ""
}

// Title describes what the event is about, for notifications and logs.
func (e Event) Title() string {
	switch {
	case e.Series != nil:
		t := e.Series.Title
		for i, ep := range e.Episodes {
			if i == 3 {
				t += fmt.Sprintf(" (+%d)", len(e.Episodes)-3)
				break
			}
			t += fmt.Sprintf(" S%02dE%02d", ep.SeasonNumber, ep.EpisodeNumber)
		}
		return t
	case e.Movie != nil:
		if e.Movie.Year > 0 {
			return fmt.Sprintf("%s (%d)", e.Movie.Title, e.Movie.Year)
		}
		return e.Movie.Title
	case e.CheckType != "":
		return e.CheckType
	}
	return string(e.Type)
}

// IndexerTrouble reports whether a Health event is an indexer check at
// warning or error level: what pauses dispatch.
func (e Event) IndexerTrouble() bool {
	return e.Type == domain.HookHealth && e.IndexerCheck() && (strings.EqualFold(e.Level, "warning") || strings.EqualFold(e.Level, "error"))
}

// IndexerCheck reports whether a Health or HealthRestored event concerns an
// indexer check (IndexerStatusCheck, IndexerSearchCheck, ...).
func (e Event) IndexerCheck() bool {
	return strings.Contains(strings.ToLower(e.CheckType), "indexer")
}
