package fakearr

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// The commands each kind knows; the search commands have consequences, the
// others complete without any.
var knownCommands = map[domain.InstanceKind][]string{
	domain.KindSonarr: {"EpisodeSearch", "SeasonSearch", "SeriesSearch", "MissingEpisodeSearch", "CutoffUnmetEpisodeSearch",
		"RefreshSeries", "RescanSeries", "RssSync", "CheckHealth", "Backup", "RefreshMonitoredDownloads", "ApplicationUpdateCheck", "RenameFiles"},
	domain.KindRadarr: {"MoviesSearch", "MissingMoviesSearch", "CutoffUnmetMoviesSearch",
		"RefreshMovie", "RescanMovie", "RssSync", "CheckHealth", "Backup", "RefreshMonitoredDownloads", "ApplicationUpdateCheck", "RenameFiles"},
}

// executorThreads is how many commands run at once, as in the apps.
const executorThreads = 3

// command is one command in the instance's command queue.
type command struct {
	id        int
	name      string
	args      commandArgs
	key       string
	status    string
	result    string
	message   string
	exception string
	userAgent string
	queued    time.Time
	started   time.Time
	ended     time.Time
	searches  int
	reports   int
}

// commandArgs are the properties of the search commands.
type commandArgs struct {
	EpisodeIDs   []int `json:"episodeIds,omitempty"`
	SeriesID     *int  `json:"seriesId,omitempty"`
	SeasonNumber *int  `json:"seasonNumber,omitempty"`
	MovieIDs     []int `json:"movieIds,omitempty"`
	Monitored    *bool `json:"monitored,omitempty"`
}

// commandBody is the body object of a CommandResource.
type commandBody struct {
	commandArgs
	SendUpdatesToClient bool    `json:"sendUpdatesToClient"`
	UpdateScheduledTask bool    `json:"updateScheduledTask"`
	CompletionMessage   string  `json:"completionMessage,omitempty"`
	RequiresDiskAccess  bool    `json:"requiresDiskAccess"`
	IsExclusive         bool    `json:"isExclusive"`
	IsLongRunning       bool    `json:"isLongRunning"`
	Name                string  `json:"name"`
	LastStartTime       apiTime `json:"lastStartTime,omitzero"`
	Trigger             string  `json:"trigger"`
	SuppressMessages    bool    `json:"suppressMessages"`
	ClientUserAgent     string  `json:"clientUserAgent,omitempty"`
}

// commandResource is the apps' CommandResource.
type commandResource struct {
	Name                string      `json:"name"`
	CommandName         string      `json:"commandName"`
	Message             string      `json:"message,omitempty"`
	Body                commandBody `json:"body"`
	Priority            string      `json:"priority"`
	Status              string      `json:"status"`
	Result              string      `json:"result"`
	Queued              apiTime     `json:"queued"`
	Started             apiTime     `json:"started,omitzero"`
	Ended               apiTime     `json:"ended,omitzero"`
	Duration            string      `json:"duration,omitempty"`
	Exception           string      `json:"exception,omitempty"`
	Trigger             string      `json:"trigger"`
	ClientUserAgent     string      `json:"clientUserAgent,omitempty"`
	StateChangeTime     apiTime     `json:"stateChangeTime,omitzero"`
	SendUpdatesToClient bool        `json:"sendUpdatesToClient"`
	UpdateScheduledTask bool        `json:"updateScheduledTask"`
	ID                  int         `json:"id,omitempty"`
}

// displayName splits a command name into words: "EpisodeSearch" becomes
// "Episode Search".
func displayName(name string) string {
	var b strings.Builder
	for i, r := range name {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// resource renders the command.
func (c *command) resource() commandResource {
	r := commandResource{
		Name:        c.name,
		CommandName: displayName(c.name),
		Message:     c.message,
		Body: commandBody{
			commandArgs:         c.args,
			SendUpdatesToClient: true,
			UpdateScheduledTask: true,
			Name:                c.name,
			LastStartTime:       apiTimeOf(c.started),
			Trigger:             "manual",
			ClientUserAgent:     c.userAgent,
		},
		Priority:            "normal",
		Status:              c.status,
		Result:              c.result,
		Queued:              apiTimeOf(c.queued),
		Started:             apiTimeOf(c.started),
		Ended:               apiTimeOf(c.ended),
		Exception:           c.exception,
		Trigger:             "manual",
		ClientUserAgent:     c.userAgent,
		SendUpdatesToClient: true,
		UpdateScheduledTask: true,
		ID:                  c.id,
	}
	if !c.started.IsZero() && !c.ended.IsZero() {
		r.Duration = timeSpan(c.ended.Sub(c.started))
	}
	switch {
	case !c.started.IsZero():
		r.StateChangeTime = apiTimeOf(c.started)
	case !c.ended.IsZero():
		r.StateChangeTime = apiTimeOf(c.ended)
	}
	return r
}

// active reports whether the command is still queued or running.
func (c *command) active() bool { return c.status == "queued" || c.status == "started" }

// dedupKey renders the command's type and properties, lists as sorted sets,
// for CommandEqualityComparer-style de-duplication.
func dedupKey(name string, a commandArgs) string {
	set := func(ids []int) string {
		s := slices.Clone(ids)
		slices.Sort(s)
		s = slices.Compact(s)
		parts := make([]string, len(s))
		for i, v := range s {
			parts[i] = strconv.Itoa(v)
		}
		return strings.Join(parts, ",")
	}
	opt := func(p *int) string {
		if p == nil {
			return "-"
		}
		return strconv.Itoa(*p)
	}
	mon := "-"
	if a.Monitored != nil {
		mon = strconv.FormatBool(*a.Monitored)
	}
	return fmt.Sprintf("%s|e%s|s%s|n%s|m%s|%s", strings.ToLower(name), set(a.EpisodeIDs), opt(a.SeriesID), opt(a.SeasonNumber), set(a.MovieIDs), mon)
}

// handlePostCommand serves POST command.
func (in *Instance) handlePostCommand(w http.ResponseWriter, r *http.Request, body []byte) {
	fields := map[string]json.RawMessage{}
	dec := json.NewDecoder(bytes.NewReader(stripTrailingCommas(body)))
	if err := dec.Decode(&fields); err != nil {
		writeBadValue(w, in.nextTrace(), map[string][]string{"$": {"The JSON value could not be converted to the command resource: " + err.Error()}})
		return
	}
	lower := map[string]json.RawMessage{}
	for k, v := range fields {
		lower[strings.ToLower(k)] = v
	}
	var name string
	if raw, ok := lower["name"]; ok {
		_ = json.Unmarshal(raw, &name)
	}
	if strings.TrimSpace(name) == "" {
		writeValidation(w, validationFailure{
			PropertyName: "Name", ErrorMessage: "'Name' must not be empty.", AttemptedValue: name,
			Severity: "error", ErrorCode: "NotEmptyValidator", FormattedMessageArguments: []any{},
			FormattedMessagePlaceholderValues: map[string]any{"PropertyName": "Name", "PropertyValue": name},
		})
		return
	}
	canonical := ""
	for _, k := range knownCommands[in.cfg.Kind] {
		if strings.EqualFold(k, name) {
			canonical = k
		}
	}
	if canonical == "" {
		writeError(w, http.StatusInternalServerError, "Sequence contains no matching element",
			"System.InvalidOperationException: Sequence contains no matching element\n   at System.Linq.ThrowHelper.ThrowNoMatchException()\n   at System.Linq.Enumerable.Single[TSource](IEnumerable`1 source, Func`2 predicate)")
		return
	}
	var args commandArgs
	for k, dst := range map[string]any{"episodeids": &args.EpisodeIDs, "seriesid": &args.SeriesID, "seasonnumber": &args.SeasonNumber, "movieids": &args.MovieIDs, "monitored": &args.Monitored} {
		raw, ok := lower[k]
		if !ok || string(raw) == "null" {
			continue
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			writeError(w, http.StatusInternalServerError, fmt.Sprintf("The JSON value could not be converted to the %s property.", k), "System.Text.Json.JsonException: "+err.Error())
			return
		}
	}
	args = in.keepArgs(canonical, args)

	in.mu.Lock()
	in.advanceLocked()
	key := dedupKey(canonical, args)
	var c *command
	for _, old := range in.commands {
		if old.active() && old.key == key {
			c = old
			break
		}
	}
	if c == nil {
		c = &command{
			id: len(in.commands) + 1, name: canonical, args: args, key: key,
			status: "queued", result: "unknown", queued: in.now(), userAgent: r.UserAgent(),
		}
		in.commands = append(in.commands, c)
		in.counters.Commands++
		in.wakeAt(in.now())
	}
	res := c.resource()
	in.unlockAndFlush()
	w.Header().Set("Location", fmt.Sprintf("%s%s/api/v3/command/%d", requestOrigin(r), strings.TrimSuffix(in.cfg.URLBase, "/"), c.id))
	writeJSON(w, http.StatusCreated, res)
}

// keepArgs keeps only the properties the command has.
func (in *Instance) keepArgs(name string, a commandArgs) commandArgs {
	var out commandArgs
	switch name {
	case "EpisodeSearch":
		out.EpisodeIDs = a.EpisodeIDs
		if out.EpisodeIDs == nil {
			out.EpisodeIDs = []int{}
		}
	case "SeasonSearch":
		out.SeriesID, out.SeasonNumber = orZero(a.SeriesID), orZero(a.SeasonNumber)
	case "SeriesSearch":
		out.SeriesID = orZero(a.SeriesID)
	case "MissingEpisodeSearch", "CutoffUnmetEpisodeSearch":
		out.SeriesID = a.SeriesID
		m := true
		if a.Monitored != nil {
			m = *a.Monitored
		}
		out.Monitored = &m
	case "MoviesSearch":
		out.MovieIDs = a.MovieIDs
		if out.MovieIDs == nil {
			out.MovieIDs = []int{}
		}
	}
	return out
}

func orZero(p *int) *int {
	v := 0
	if p != nil {
		v = *p
	}
	return &v
}

// requestOrigin is scheme://host of a request.
func requestOrigin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// stripTrailingCommas removes commas before a closing bracket outside
// strings: the apps accept trailing commas.
func stripTrailingCommas(b []byte) []byte {
	out := make([]byte, 0, len(b))
	inString, escaped := false, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			out = append(out, c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		if c == '"' {
			inString = true
		}
		if c == ',' {
			j := i + 1
			for j < len(b) && (b[j] == ' ' || b[j] == '\n' || b[j] == '\r' || b[j] == '\t') {
				j++
			}
			if j < len(b) && (b[j] == '}' || b[j] == ']') {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}
