package sdk_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/sdktest"
)

func fullLibrary() *sdktest.Library {
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	ep := sdktest.Episode(1, 10, 1, 1, sdktest.At(day))
	ep.Tags, ep.Genres, ep.Added = []int64{1, 2}, []string{"Drama"}, sdktest.At(day.Add(-time.Hour))
	ep.LastSearchTime, ep.QualityProfileID, ep.Network = sdktest.At(day.Add(time.Hour)), 3, "HBO"
	cut := sdktest.Episode(2, 10, 1, 2, sdktest.At(day.Add(24*time.Hour)))
	cut.HasFile, cut.CutoffNotMet, cut.Quality, cut.CustomFormatScore = true, true, "HDTV-720p", -5
	mv := sdktest.Movie(3, sdktest.At(day))
	mv.InCinemas, mv.PhysicalRelease, mv.Runtime = sdktest.At(day.Add(-90*24*time.Hour)), sdktest.At(day.Add(time.Hour)), 120
	return sdktest.NewLibrary(sdktest.LibraryData{
		Items: []sdk.Item{ep, cut, mv},
		Series: []sdk.Series{{ID: 10, Title: "Series 10", Monitored: true, SeriesType: "anime", Year: 2020,
			Genres: []string{"Drama"}, Tags: []int64{1}, QualityProfileID: 3, Runtime: 42, Added: sdktest.At(day),
			Seasons: []sdk.Season{{Number: 1, Monitored: true, EpisodeCount: 2, EpisodeFileCount: 1, TotalEpisodeCount: 3}}}},
		Queue: []sdk.QueueRecord{{Item: sdk.EpisodeKey(1), SeriesID: 10, SeasonNumber: 1, Title: "S01E01",
			Status: "downloading", TrackedState: "downloading", Protocol: "torrent"}},
		States: []sdk.SearchState{{Key: sdk.EpisodeKey(1), LastSearched: sdktest.At(day), Searches: 3, Grabs: 1,
			LastGrab: sdktest.At(day.Add(time.Minute)), CooldownUntil: sdktest.At(day.Add(48 * time.Hour))}},
		Tags:            []sdk.Tag{{ID: 1, Label: "anime"}},
		QualityProfiles: []sdk.QualityProfile{{ID: 3, Name: "HD", UpgradeAllowed: true, CutoffQuality: "WEB-1080p", CutoffFormatScore: 100, MinFormatScore: -10}},
	})
}

// everyCall calls every Library method and returns the results in order.
func everyCall(ctx context.Context, lib sdk.Library) ([]any, error) {
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []any
	add := func(v any, err error) error { out = append(out, v); return err }
	return out, errors.Join(
		add(lib.WantedMissing(ctx, sdk.WantedQuery{Page: 1, PageSize: 5, SortKey: sdk.SortReleased, Descending: true})),
		add(lib.WantedCutoff(ctx, sdk.WantedQuery{Page: 1, PageSize: 5, IncludeUnmonitored: true})),
		add(lib.Queue(ctx, 1, 50)),
		add(lib.Series(ctx)),
		add(lib.Episodes(ctx, 10)),
		add(lib.Movies(ctx)),
		add(lib.Calendar(ctx, day.Add(-time.Hour), day.Add(72*time.Hour), true)),
		add(lib.Tags(ctx)),
		add(lib.QualityProfiles(ctx)),
		add(lib.SearchState(ctx, []sdk.ItemKey{sdk.EpisodeKey(1), sdk.MovieKey(3)})),
	)
}

func TestLibraryRoundTripsEveryMethod(t *testing.T) {
	eachBroker(t, func(t *testing.T, connect func(sdk.Strategy) sdk.Strategy) {
		want, err := everyCall(context.Background(), fullLibrary())
		if err != nil {
			t.Fatal(err)
		}
		var got []any
		s := connect(funcStrategy{plan: func(ctx context.Context, r sdk.PlanRequest) (sdk.Plan, error) {
			var err error
			got, err = everyCall(ctx, r.Library)
			return sdk.Plan{}, err
		}})
		lib := fullLibrary()
		if _, err := s.Plan(context.Background(), sdk.PlanRequest{Library: lib}); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%d results, want %d", len(got), len(want))
		}
		for i := range want {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Errorf("call %d (%s):\n got %+v\nwant %+v", i, lib.Calls()[i].Method, got[i], want[i])
			}
		}
		if n := len(lib.Calls()); n != 10 {
			t.Errorf("host library saw %d calls, want 10", n)
		}
	})
}

func TestLibraryErrorsReachThePlugin(t *testing.T) {
	boom := errors.New("library: sonarr unreachable")
	s := sdktest.Connect(t, funcStrategy{plan: func(ctx context.Context, r sdk.PlanRequest) (sdk.Plan, error) {
		_, err := r.Library.Tags(ctx)
		if err == nil || err.Error() != boom.Error() {
			t.Errorf("plugin saw %v, want %v", err, boom)
		}
		return sdk.Plan{}, err
	}})
	_, err := s.Plan(context.Background(), sdk.PlanRequest{Library: failingLibrary{boom}})
	if err == nil || err.Error() != boom.Error() {
		t.Fatalf("Plan = %v, want %v", err, boom)
	}
}

// failingLibrary fails every call with err and blocks until ctx is done when
// err is nil.
type failingLibrary struct{ err error }

func (f failingLibrary) wait(ctx context.Context) error {
	if f.err != nil {
		return f.err
	}
	<-ctx.Done()
	return ctx.Err()
}

func (f failingLibrary) WantedMissing(ctx context.Context, _ sdk.WantedQuery) (sdk.ItemPage, error) {
	return sdk.ItemPage{}, f.wait(ctx)
}

func (f failingLibrary) WantedCutoff(ctx context.Context, _ sdk.WantedQuery) (sdk.ItemPage, error) {
	return sdk.ItemPage{}, f.wait(ctx)
}

func (f failingLibrary) Queue(ctx context.Context, _, _ int) (sdk.QueuePage, error) {
	return sdk.QueuePage{}, f.wait(ctx)
}
func (f failingLibrary) Series(ctx context.Context) ([]sdk.Series, error) { return nil, f.wait(ctx) }
func (f failingLibrary) Episodes(ctx context.Context, _ int64) ([]sdk.Item, error) {
	return nil, f.wait(ctx)
}
func (f failingLibrary) Movies(ctx context.Context) ([]sdk.Item, error) { return nil, f.wait(ctx) }
func (f failingLibrary) Calendar(ctx context.Context, _, _ time.Time, _ bool) ([]sdk.Item, error) {
	return nil, f.wait(ctx)
}
func (f failingLibrary) Tags(ctx context.Context) ([]sdk.Tag, error) { return nil, f.wait(ctx) }
func (f failingLibrary) QualityProfiles(ctx context.Context) ([]sdk.QualityProfile, error) {
	return nil, f.wait(ctx)
}
func (f failingLibrary) SearchState(ctx context.Context, _ []sdk.ItemKey) ([]sdk.SearchState, error) {
	return nil, f.wait(ctx)
}

func TestHostCancellationReachesPluginAndLibrary(t *testing.T) {
	eachBroker(t, func(t *testing.T, connect func(sdk.Strategy) sdk.Strategy) {
		pluginSaw := make(chan error, 1)
		s := connect(funcStrategy{plan: func(ctx context.Context, r sdk.PlanRequest) (sdk.Plan, error) {
			_, err := r.Library.WantedMissing(ctx, sdk.WantedQuery{}) // blocks until cancelled
			pluginSaw <- err
			return sdk.Plan{}, err
		}})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		_, err := s.Plan(ctx, sdk.PlanRequest{Library: failingLibrary{}})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Plan = %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("Plan took %v after cancellation", d)
		}
		if err := <-pluginSaw; !errors.Is(err, context.Canceled) {
			t.Fatalf("plugin's library call = %v, want context.Canceled", err)
		}
	})
}

func TestDeadlinesPropagate(t *testing.T) {
	t.Run("host deadline reaches the plugin", func(t *testing.T) {
		deadline := time.Now().Add(time.Hour)
		var got time.Time
		s := sdktest.Connect(t, funcStrategy{plan: func(ctx context.Context, _ sdk.PlanRequest) (sdk.Plan, error) {
			got, _ = ctx.Deadline()
			return sdk.Plan{}, nil
		}})
		ctx, cancel := context.WithDeadline(context.Background(), deadline)
		defer cancel()
		if _, err := s.Plan(ctx, sdk.PlanRequest{}); err != nil {
			t.Fatal(err)
		}
		if d := got.Sub(deadline).Abs(); d > time.Second {
			t.Fatalf("plugin deadline %v, want about %v", got, deadline)
		}
	})
	t.Run("plugin deadline reaches the host library", func(t *testing.T) {
		s := sdktest.Connect(t, funcStrategy{plan: func(ctx context.Context, r sdk.PlanRequest) (sdk.Plan, error) {
			ctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
			defer cancel()
			_, err := r.Library.Series(ctx)
			return sdk.Plan{}, err
		}})
		_, err := s.Plan(context.Background(), sdk.PlanRequest{Library: failingLibrary{}})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Plan = %v, want context.DeadlineExceeded", err)
		}
	})
}
