package pluginhost

import (
	"math"
	"strings"
	"testing"

	"github.com/vibequality/searcharr/sdk"
)

func TestValidatePlan(t *testing.T) {
	ep := sdk.EpisodeKey
	mv := sdk.MovieKey
	intent := func(c sdk.Command, items ...sdk.ItemKey) sdk.Intent {
		return sdk.Intent{Command: c, Items: items, Reason: "r", Score: 1}
	}
	tests := []struct {
		name string
		kind sdk.InstanceKind
		plan sdk.Plan
		want string // empty: valid
	}{
		{"empty", sdk.Sonarr, sdk.Plan{}, ""},
		{"episodes", sdk.Sonarr, sdk.Plan{
			Intents:   []sdk.Intent{intent(sdk.SearchEpisodes(1, 2), ep(2), ep(1)), intent(sdk.SearchSeason(9, 1), ep(3), ep(4))},
			Decisions: []sdk.Decision{{Item: ep(1), Kept: true}, {Item: ep(5), Reason: "cooldown"}},
		}, ""},
		{"series search", sdk.Sonarr, sdk.Plan{Intents: []sdk.Intent{intent(sdk.Command{Name: sdk.SeriesSearch, SeriesID: 3}, ep(1))}}, ""},
		{"movies", sdk.Radarr, sdk.Plan{Intents: []sdk.Intent{intent(sdk.SearchMovies(4, 5), mv(4), mv(5))}}, ""},
		{"unknown command", sdk.Sonarr, sdk.Plan{Intents: []sdk.Intent{intent(sdk.Command{Name: "RescanSeries"}, ep(1))}}, `unknown command "RescanSeries"`},
		{"movies on sonarr", sdk.Sonarr, sdk.Plan{Intents: []sdk.Intent{intent(sdk.SearchMovies(4), mv(4))}}, "cannot be sent to a sonarr instance"},
		{"episodes on radarr", sdk.Radarr, sdk.Plan{Intents: []sdk.Intent{intent(sdk.SearchEpisodes(4), ep(4))}}, "cannot be sent to a radarr instance"},
		{"no items", sdk.Sonarr, sdk.Plan{Intents: []sdk.Intent{intent(sdk.SearchEpisodes(1))}}, "no items"},
		{"no ids", sdk.Sonarr, sdk.Plan{Intents: []sdk.Intent{intent(sdk.SearchEpisodes(), ep(1))}}, "no ids"},
		{"ids differ from items", sdk.Sonarr, sdk.Plan{Intents: []sdk.Intent{intent(sdk.SearchEpisodes(1, 2), ep(1), ep(3))}}, "episode:3 is not in the command's ids"},
		{"more ids than items", sdk.Sonarr, sdk.Plan{Intents: []sdk.Intent{intent(sdk.SearchEpisodes(1, 2), ep(1))}}, "2 ids but 1 items"},
		{"id twice", sdk.Sonarr, sdk.Plan{Intents: []sdk.Intent{intent(sdk.SearchEpisodes(1, 1), ep(1), ep(2))}}, "id 1 listed twice"},
		{"item twice", sdk.Sonarr, sdk.Plan{Intents: []sdk.Intent{intent(sdk.SearchEpisodes(1, 2), ep(1), ep(1))}}, "episode:1 listed twice"},
		{"item in two intents", sdk.Sonarr, sdk.Plan{Intents: []sdk.Intent{intent(sdk.SearchEpisodes(1), ep(1)), intent(sdk.SearchSeason(2, 1), ep(1))}}, "already covered by intent 0"},
		{"movie in episode search", sdk.Sonarr, sdk.Plan{Intents: []sdk.Intent{intent(sdk.SearchEpisodes(1), mv(1))}}, "does not belong to a sonarr instance"},
		{"zero id", sdk.Sonarr, sdk.Plan{Intents: []sdk.Intent{intent(sdk.SearchEpisodes(0), ep(0))}}, "non-positive id"},
		{"season without series", sdk.Sonarr, sdk.Plan{Intents: []sdk.Intent{intent(sdk.SearchSeason(0, 1), ep(1))}}, "series id 0 is not positive"},
		{"negative season", sdk.Sonarr, sdk.Plan{Intents: []sdk.Intent{intent(sdk.SearchSeason(1, -1), ep(1))}}, "season number -1 is negative"},
		{"episode search with series", sdk.Sonarr, sdk.Plan{Intents: []sdk.Intent{intent(sdk.Command{Name: sdk.EpisodeSearch, EpisodeIDs: []int64{1}, SeriesID: 2}, ep(1))}}, "fields of another command"},
		{"season search with ids", sdk.Sonarr, sdk.Plan{Intents: []sdk.Intent{intent(sdk.Command{Name: sdk.SeasonSearch, SeriesID: 2, EpisodeIDs: []int64{1}}, ep(1))}}, "sets episode or movie ids"},
		{"NaN score", sdk.Sonarr, sdk.Plan{Intents: []sdk.Intent{{Command: sdk.SearchEpisodes(1), Items: []sdk.ItemKey{ep(1)}, Score: math.NaN()}}}, "not a finite number"},
		{"unknown item type", sdk.Sonarr, sdk.Plan{Decisions: []sdk.Decision{{Item: sdk.ItemKey{Type: "book", ID: 1}}}}, "unknown type"},
		{"decision of another kind", sdk.Radarr, sdk.Plan{Decisions: []sdk.Decision{{Item: ep(1)}}}, "decision 0"},
		{"long reason", sdk.Sonarr, sdk.Plan{Intents: []sdk.Intent{{Command: sdk.SearchEpisodes(1), Items: []sdk.ItemKey{ep(1)}, Reason: strings.Repeat("x", 2000)}}}, "reason longer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := validatePlan(tt.plan, tt.kind)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("validatePlan() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("validatePlan() = %v, want %q", err, tt.want)
			}
		})
	}
}
