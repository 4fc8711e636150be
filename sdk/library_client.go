package sdk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	pb "github.com/vibequality/searcharr/sdk/internal/proto"
)

// errNoLibrary is returned by the Library of a Plan call the host made
// without one.
var errNoLibrary = errors.New("sdk: the host passed no library to this plan")

// remoteLibrary runs in the plugin process: the Library the strategy sees,
// whose methods are gRPC calls back to the host over the broker. The
// connection is dialled as soon as Plan starts and closed when it returns.
type remoteLibrary struct {
	ready  chan struct{} // closed once conn/client or err is set
	conn   *grpc.ClientConn
	client pb.LibraryClient
	err    error
}

var _ Library = (*remoteLibrary)(nil)

func dialLibrary(broker *plugin.GRPCBroker, id uint32) *remoteLibrary {
	l := &remoteLibrary{ready: make(chan struct{})}
	if id == 0 {
		l.err = errNoLibrary
		close(l.ready)
		return l
	}
	go func() {
		defer close(l.ready)
		conn, err := broker.DialWithOptions(id, grpc.WithDefaultCallOptions(callOptions...))
		if err != nil {
			l.err = fmt.Errorf("sdk: connect to the host's library: %w", err)
			return
		}
		l.conn = conn
		l.client = pb.NewLibraryClient(conn)
	}()
	return l
}

func (l *remoteLibrary) close() {
	<-l.ready
	if l.conn != nil {
		_ = l.conn.Close()
	}
}

// callError turns a failed call into an error. When ctx is done, the call
// failed because of it, whatever the connection reported.
func callError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("sdk: library call: %w", context.Cause(ctx))
	}
	return fromStatus(err)
}

// lib waits for the connection, or for ctx.
func (l *remoteLibrary) lib(ctx context.Context) (pb.LibraryClient, error) {
	select {
	case <-l.ready:
		return l.client, l.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (l *remoteLibrary) WantedMissing(ctx context.Context, q WantedQuery) (ItemPage, error) {
	c, err := l.lib(ctx)
	if err != nil {
		return ItemPage{}, err
	}
	resp, err := c.WantedMissing(ctx, wantedToPB(q))
	if err != nil {
		return ItemPage{}, callError(ctx, err)
	}
	return itemPageFromPB(resp), nil
}

func (l *remoteLibrary) WantedCutoff(ctx context.Context, q WantedQuery) (ItemPage, error) {
	c, err := l.lib(ctx)
	if err != nil {
		return ItemPage{}, err
	}
	resp, err := c.WantedCutoff(ctx, wantedToPB(q))
	if err != nil {
		return ItemPage{}, callError(ctx, err)
	}
	return itemPageFromPB(resp), nil
}

func (l *remoteLibrary) Queue(ctx context.Context, page, pageSize int) (QueuePage, error) {
	c, err := l.lib(ctx)
	if err != nil {
		return QueuePage{}, err
	}
	resp, err := c.Queue(ctx, &pb.QueueRequest{Page: int32(page), PageSize: int32(pageSize)})
	if err != nil {
		return QueuePage{}, callError(ctx, err)
	}
	return queuePageFromPB(resp), nil
}

func (l *remoteLibrary) Series(ctx context.Context) ([]Series, error) {
	c, err := l.lib(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := c.Series(ctx, &pb.SeriesRequest{})
	if err != nil {
		return nil, callError(ctx, err)
	}
	out := make([]Series, len(resp.Series))
	for i, s := range resp.Series {
		out[i] = seriesFromPB(s)
	}
	return out, nil
}

func (l *remoteLibrary) Episodes(ctx context.Context, seriesID int64) ([]Item, error) {
	c, err := l.lib(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := c.Episodes(ctx, &pb.EpisodesRequest{SeriesId: seriesID})
	if err != nil {
		return nil, callError(ctx, err)
	}
	return itemsFromPB(resp.Items), nil
}

func (l *remoteLibrary) Movies(ctx context.Context) ([]Item, error) {
	c, err := l.lib(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := c.Movies(ctx, &pb.MoviesRequest{})
	if err != nil {
		return nil, callError(ctx, err)
	}
	return itemsFromPB(resp.Items), nil
}

func (l *remoteLibrary) Calendar(ctx context.Context, start, end time.Time, unmonitored bool) ([]Item, error) {
	c, err := l.lib(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := c.Calendar(ctx, &pb.CalendarRequest{
		Start:       instantToPB(start),
		End:         instantToPB(end),
		Unmonitored: unmonitored,
	})
	if err != nil {
		return nil, callError(ctx, err)
	}
	return itemsFromPB(resp.Items), nil
}

func (l *remoteLibrary) Tags(ctx context.Context) ([]Tag, error) {
	c, err := l.lib(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := c.Tags(ctx, &pb.TagsRequest{})
	if err != nil {
		return nil, callError(ctx, err)
	}
	out := make([]Tag, len(resp.Tags))
	for i, t := range resp.Tags {
		out[i] = Tag{ID: t.Id, Label: t.Label}
	}
	return out, nil
}

func (l *remoteLibrary) QualityProfiles(ctx context.Context) ([]QualityProfile, error) {
	c, err := l.lib(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := c.QualityProfiles(ctx, &pb.QualityProfilesRequest{})
	if err != nil {
		return nil, callError(ctx, err)
	}
	out := make([]QualityProfile, len(resp.Profiles))
	for i, q := range resp.Profiles {
		out[i] = qualityProfileFromPB(q)
	}
	return out, nil
}

func (l *remoteLibrary) SearchState(ctx context.Context, keys []ItemKey) ([]SearchState, error) {
	c, err := l.lib(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := c.SearchState(ctx, &pb.SearchStateRequest{Keys: keysToPB(keys)})
	if err != nil {
		return nil, callError(ctx, err)
	}
	if len(resp.States) != len(keys) {
		return nil, fmt.Errorf("sdk: the host returned %d search states for %d keys", len(resp.States), len(keys))
	}
	out := make([]SearchState, len(resp.States))
	for i, s := range resp.States {
		out[i] = searchStateFromPB(s)
	}
	return out, nil
}
