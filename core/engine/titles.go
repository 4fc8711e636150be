package engine

import (
	"fmt"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/sdk"
)

// nameDecisions gives every decision the title of its item as the strategy
// was shown it: kept and dropped items alike, those the policy dropped and
// those the strategy left out by itself. An item the strategy never read
// keeps an empty title.
func nameDecisions(rec *recorder, decisions []domain.RunItem) {
	if rec == nil || len(decisions) == 0 {
		return
	}
	want := make(map[domain.ItemKey]bool, len(decisions))
	for _, d := range decisions {
		want[d.Key] = true
	}
	items := rec.lookup(want)
	for i := range decisions {
		if it, ok := items[decisions[i].Key]; ok {
			decisions[i].Title = itemTitle(it)
		}
	}
}

// itemTitle labels an item for people: "Show S01E02 · Pilot" for an
// episode, "Title (2024)" for a movie.
func itemTitle(it sdk.Item) string {
	if it.Key.Type == sdk.Episode && it.SeriesTitle != "" {
		label := fmt.Sprintf("%s S%02dE%02d", it.SeriesTitle, it.SeasonNumber, it.EpisodeNumber)
		if it.Title != "" {
			label += " · " + it.Title
		}
		return label
	}
	if it.Year > 0 {
		return fmt.Sprintf("%s (%d)", it.Title, it.Year)
	}
	return it.Title
}
