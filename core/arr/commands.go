package arr

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// CommandResource is a command as the applications report it.
type CommandResource struct {
	ID              int64           `json:"id"`
	Name            string          `json:"name"`
	CommandName     string          `json:"commandName"`
	Message         string          `json:"message"`
	Body            json.RawMessage `json:"body"`
	Priority        string          `json:"priority"`
	Status          string          `json:"status"` // queued, started, completed, failed, aborted, cancelled, orphaned
	Result          string          `json:"result"` // unknown, successful, unsuccessful
	Queued          Time            `json:"queued"`
	Started         Time            `json:"started"`
	Ended           Time            `json:"ended"`
	Duration        string          `json:"duration"` // a TimeSpan
	Exception       string          `json:"exception"`
	Trigger         string          `json:"trigger"`
	StateChangeTime Time            `json:"stateChangeTime"`
}

// CommandStatus is the state of a command: what SendCommand returns and
// what Command and Commands report as it runs.
type CommandStatus struct {
	ID      int64
	Name    string
	Status  string
	Result  string
	Message string
	Queued  time.Time
	Started *time.Time
	Ended   *time.Time
	// Duration is how long it ran, 0 until it ended.
	Duration time.Duration
	// Exception is the stack trace of a failed command.
	Exception string
}

// Done reports whether the command has stopped, successfully or not.
func (s CommandStatus) Done() bool {
	switch s.Status {
	case "completed", "failed", "aborted", "cancelled", "orphaned":
		return true
	}
	return false
}

// Succeeded reports whether the command completed successfully.
func (s CommandStatus) Succeeded() bool { return s.Status == "completed" && s.Result != "unsuccessful" }

// CommandStatus converts the resource to a CommandStatus.
func (r *CommandResource) CommandStatus() CommandStatus { return r.status() }

func (r *CommandResource) status() CommandStatus {
	s := CommandStatus{
		ID: r.ID, Name: r.Name, Status: r.Status, Result: r.Result, Message: r.Message,
		Queued: r.Queued.Time, Started: r.Started.Ptr(), Ended: r.Ended.Ptr(), Exception: r.Exception,
	}
	if r.Duration != "" {
		s.Duration, _ = ParseTimeSpan(r.Duration)
	}
	return s
}

// SendCommand posts a search command and returns its state, usually
// "queued". Commands that do not fit the instance kind are refused. It is
// never retried: after a failure the command may or may not have been
// queued; read Commands to find out. Reposting a command equal to one still
// queued or running returns the existing command.
func (c *Client) SendCommand(ctx context.Context, cmd domain.Command) (CommandStatus, error) {
	if err := c.checkCommand(cmd); err != nil {
		return CommandStatus{}, err
	}
	raw, err := domain.EncodeCommandBody(cmd)
	if err != nil {
		return CommandStatus{}, &Error{Kind: KindInvalid, Op: "POST " + apiPrefix + "/command", Err: err}
	}
	var res CommandResource
	err = c.do(ctx, request{method: http.MethodPost, path: "/command", body: raw}, func(r io.Reader) error {
		return decodeOne(r, &res)
	})
	if err != nil {
		return CommandStatus{}, err
	}
	if res.ID == 0 {
		return CommandStatus{}, &Error{Kind: KindContract, Op: "POST " + apiPrefix + "/command", Message: "the command answer has no id"}
	}
	return res.status(), nil
}

// checkCommand refuses, before anything is sent, a command for the other
// application or with ids Sonarr/Radarr would fail on after accepting it.
func (c *Client) checkCommand(cmd domain.Command) error {
	op := "POST " + apiPrefix + "/command"
	if !cmd.Name.Valid() {
		return invalidf(op, "unknown command %q", cmd.Name)
	}
	want := domain.KindSonarr
	if cmd.Name == domain.CmdMoviesSearch {
		want = domain.KindRadarr
	}
	if c.kind != want {
		return invalidf(op, "%s is a %s command; this instance is %s", cmd.Name, want.AppName(), c.app)
	}
	switch cmd.Name {
	case domain.CmdEpisodeSearch:
		return positiveIDs(op, "episode", cmd.EpisodeIDs)
	case domain.CmdMoviesSearch:
		return positiveIDs(op, "movie", cmd.MovieIDs)
	}
	if cmd.SeriesID <= 0 {
		return invalidf(op, "%s needs a positive series id", cmd.Name)
	}
	if cmd.Name == domain.CmdSeasonSearch && cmd.SeasonNumber < 0 {
		return invalidf(op, "season number %d must not be negative", cmd.SeasonNumber)
	}
	return nil
}

func positiveIDs(op, what string, ids []int64) error {
	if len(ids) == 0 {
		return invalidf(op, "no %s ids to search", what)
	}
	for _, id := range ids {
		if id <= 0 {
			return invalidf(op, "%s id %d must be positive", what, id)
		}
	}
	return nil
}

// Command reads one command by id. Ended commands are forgotten after a
// day; their id then gives ErrNotFound.
func (c *Client) Command(ctx context.Context, id int64) (CommandStatus, error) {
	if id <= 0 {
		return CommandStatus{}, invalidf("GET "+apiPrefix+"/command/{id}", "command id %d must be positive", id)
	}
	res, err := getOne[CommandResource](ctx, c, "/command/"+strconv.FormatInt(id, 10), nil)
	if err != nil {
		return CommandStatus{}, err
	}
	return res.status(), nil
}

// Commands lists the commands the instance holds in memory: queued,
// running, and those that ended in the last few minutes.
func (c *Client) Commands(ctx context.Context) ([]CommandStatus, error) {
	var out []CommandStatus
	err := c.get(ctx, "/command", nil, func(r io.Reader) error {
		out = out[:0]
		return streamArray(r, func(res *CommandResource) error {
			out = append(out, res.status())
			return nil
		})
	})
	return out, err
}
