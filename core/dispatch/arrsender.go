package dispatch

import (
	"context"
	"encoding/json"

	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/domain"
)

// CommandLister lists an arr's commands with their bodies, which
// reconciliation matches against.
type CommandLister interface {
	CommandResources(ctx context.Context) ([]arr.CommandResource, error)
}

// ArrSender is a Sender over an arr client.
type ArrSender struct {
	Client *arr.Client
	// Lister lists commands with their bodies.
	Lister CommandLister
}

var _ Sender = ArrSender{}

// SendCommand posts a command.
func (s ArrSender) SendCommand(ctx context.Context, c domain.Command) (int64, error) {
	st, err := s.Client.SendCommand(ctx, c)
	if err != nil {
		return 0, err
	}
	return st.ID, nil
}

// CommandStatus reads one command.
func (s ArrSender) CommandStatus(ctx context.Context, id int64) (ArrCommand, error) {
	st, err := s.Client.Command(ctx, id)
	if err != nil {
		return ArrCommand{}, err
	}
	return ArrCommand{ID: st.ID, Command: domain.Command{Name: domain.CommandName(st.Name)},
		Status: st.Status, Result: st.Result, Message: st.Message, Queued: st.Queued}, nil
}

// RecentCommands lists the arr's commands with what they search.
func (s ArrSender) RecentCommands(ctx context.Context) ([]ArrCommand, error) {
	list, err := s.Lister.CommandResources(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ArrCommand, 0, len(list))
	for i := range list {
		r := &list[i]
		st := r.CommandStatus()
		c := domain.Command{Name: domain.CommandName(r.Name)}
		var body struct {
			EpisodeIDs   []int64 `json:"episodeIds"`
			SeriesID     int64   `json:"seriesId"`
			SeasonNumber int     `json:"seasonNumber"`
			MovieIDs     []int64 `json:"movieIds"`
		}
		if len(r.Body) > 0 && json.Unmarshal(r.Body, &body) == nil {
			c.EpisodeIDs, c.SeriesID, c.SeasonNumber, c.MovieIDs = body.EpisodeIDs, body.SeriesID, body.SeasonNumber, body.MovieIDs
		}
		out = append(out, ArrCommand{ID: st.ID, Command: c, Status: st.Status, Result: st.Result, Message: st.Message, Queued: st.Queued})
	}
	return out, nil
}

// QueueSize reads queue/status: its total count, which includes downloads
// of unknown items.
func (s ArrSender) QueueSize(ctx context.Context) (int, error) {
	st, err := s.Client.QueueStatus(ctx)
	if err != nil {
		return 0, err
	}
	return max(st.TotalCount, st.Count), nil
}
