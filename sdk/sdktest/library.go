package sdktest

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/vibequality/searcharr/sdk"
)

// LibraryData is the content of a fake Library.
type LibraryData struct {
	// Items are the instance's episodes or movies, in any order. Wanted
	// lists are computed from them: missing is every item without a file,
	// cutoff every item with a file whose CutoffNotMet is set. Unlike
	// Sonarr, the missing list also holds episodes that have not aired yet,
	// so that strategies are tested against them.
	Items []sdk.Item
	// Series are the series of a Sonarr instance.
	Series []sdk.Series
	// Queue is the download queue.
	Queue []sdk.QueueRecord
	// States is what Searcharr remembers about items; items not listed have
	// a zero state.
	States []sdk.SearchState
	// Tags and QualityProfiles are returned as they are.
	Tags            []sdk.Tag
	QualityProfiles []sdk.QualityProfile
	// MaxPageSize caps the page size of wanted lists and the queue, as the
	// host may; zero means no cap.
	MaxPageSize int
}

// Library is an in-memory sdk.Library for tests. It pages and sorts its
// wanted lists like Sonarr and Radarr (pages start at 1, the default page
// size is 10, monitored items only unless asked otherwise, ties broken by
// id), records every call, and is safe for concurrent use.
type Library struct {
	data   LibraryData
	states map[sdk.ItemKey]sdk.SearchState

	mu    sync.Mutex
	calls []Call
}

var _ sdk.Library = (*Library)(nil)

// Call is one recorded Library call.
type Call struct {
	// Method is the Library method's name, such as "WantedMissing".
	Method string
	// Args are the call's arguments after ctx, as passed.
	Args []any
}

// NewLibrary returns a fake Library holding d. It keeps d's slices; do not
// change them while the Library is in use.
func NewLibrary(d LibraryData) *Library {
	l := &Library{data: d, states: make(map[sdk.ItemKey]sdk.SearchState, len(d.States))}
	for _, s := range d.States {
		l.states[s.Key] = s
	}
	return l
}

// Calls returns the calls made so far, in order.
func (l *Library) Calls() []Call {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.calls)
}

// Count returns how many times method was called.
func (l *Library) Count(method string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, c := range l.calls {
		if c.Method == method {
			n++
		}
	}
	return n
}

// Reset forgets the recorded calls.
func (l *Library) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = nil
}

func (l *Library) record(ctx context.Context, method string, args ...any) error {
	l.mu.Lock()
	l.calls = append(l.calls, Call{Method: method, Args: args})
	l.mu.Unlock()
	return ctx.Err()
}

// WantedMissing returns a page of items without a file.
func (l *Library) WantedMissing(ctx context.Context, q sdk.WantedQuery) (sdk.ItemPage, error) {
	if err := l.record(ctx, "WantedMissing", q); err != nil {
		return sdk.ItemPage{}, err
	}
	return l.wanted(q, func(it *sdk.Item) bool { return !it.HasFile }), nil
}

// WantedCutoff returns a page of items with a file below the cutoff.
func (l *Library) WantedCutoff(ctx context.Context, q sdk.WantedQuery) (sdk.ItemPage, error) {
	if err := l.record(ctx, "WantedCutoff", q); err != nil {
		return sdk.ItemPage{}, err
	}
	return l.wanted(q, func(it *sdk.Item) bool { return it.HasFile && it.CutoffNotMet }), nil
}

// Queue returns a page of the download queue, in the order given.
func (l *Library) Queue(ctx context.Context, page, pageSize int) (sdk.QueuePage, error) {
	if err := l.record(ctx, "Queue", page, pageSize); err != nil {
		return sdk.QueuePage{}, err
	}
	page, pageSize = l.paging(page, pageSize)
	lo, hi := bounds(page, pageSize, len(l.data.Queue))
	return sdk.QueuePage{
		Records:      slices.Clone(l.data.Queue[lo:hi]),
		Page:         page,
		PageSize:     pageSize,
		TotalRecords: len(l.data.Queue),
	}, nil
}

// Series returns every series.
func (l *Library) Series(ctx context.Context) ([]sdk.Series, error) {
	if err := l.record(ctx, "Series"); err != nil {
		return nil, err
	}
	return slices.Clone(l.data.Series), nil
}

// Episodes returns the episodes of a series by season and episode number.
func (l *Library) Episodes(ctx context.Context, seriesID int64) ([]sdk.Item, error) {
	if err := l.record(ctx, "Episodes", seriesID); err != nil {
		return nil, err
	}
	var out []sdk.Item
	for _, it := range l.data.Items {
		if it.Key.Type == sdk.Episode && it.SeriesID == seriesID {
			out = append(out, it)
		}
	}
	slices.SortStableFunc(out, byTitle)
	return out, nil
}

// Movies returns every movie by id.
func (l *Library) Movies(ctx context.Context) ([]sdk.Item, error) {
	if err := l.record(ctx, "Movies"); err != nil {
		return nil, err
	}
	var out []sdk.Item
	for _, it := range l.data.Items {
		if it.Key.Type == sdk.Movie {
			out = append(out, it)
		}
	}
	slices.SortStableFunc(out, byID)
	return out, nil
}

// Calendar returns the items released in [start, end), by release date;
// monitored ones only unless unmonitored is set.
func (l *Library) Calendar(ctx context.Context, start, end time.Time, unmonitored bool) ([]sdk.Item, error) {
	if err := l.record(ctx, "Calendar", start, end, unmonitored); err != nil {
		return nil, err
	}
	var out []sdk.Item
	for _, it := range l.data.Items {
		r := it.Released()
		if r == nil || r.Before(start) || !r.Before(end) || (!unmonitored && !monitored(&it)) {
			continue
		}
		out = append(out, it)
	}
	slices.SortStableFunc(out, byReleased)
	return out, nil
}

// Tags returns the tags.
func (l *Library) Tags(ctx context.Context) ([]sdk.Tag, error) {
	if err := l.record(ctx, "Tags"); err != nil {
		return nil, err
	}
	return slices.Clone(l.data.Tags), nil
}

// QualityProfiles returns the quality profiles.
func (l *Library) QualityProfiles(ctx context.Context) ([]sdk.QualityProfile, error) {
	if err := l.record(ctx, "QualityProfiles"); err != nil {
		return nil, err
	}
	return slices.Clone(l.data.QualityProfiles), nil
}

// SearchState returns the state of each key, a zero state (with the key)
// for items never searched.
func (l *Library) SearchState(ctx context.Context, keys []sdk.ItemKey) ([]sdk.SearchState, error) {
	if err := l.record(ctx, "SearchState", slices.Clone(keys)); err != nil {
		return nil, err
	}
	out := make([]sdk.SearchState, len(keys))
	for i, k := range keys {
		s, ok := l.states[k]
		if !ok {
			s = sdk.SearchState{Key: k}
		}
		out[i] = s
	}
	return out, nil
}
