// Package testlib holds the simulated libraries the built-in strategies are
// tested against: a Sonarr library with specials, unaired episodes, an
// unmonitored series and episodes, a download in progress; a Radarr library
// with movies in every availability state; and helpers to plan over them
// through real gRPC.
package testlib

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/sdktest"
)

// Now is the reference time of the libraries.
var Now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// Ago returns a time h hours before Now (after it, for negative h).
func Ago(h int) *time.Time { return sdktest.At(Now.Add(-time.Duration(h) * time.Hour)) }

func ep(id, series int64, title string, season, number int, aired *time.Time) sdk.Item {
	it := sdktest.Episode(id, series, season, number, aired)
	it.SeriesTitle = title
	it.Added = Ago(24 * 400)
	return it
}

// Sonarr returns the Sonarr library, by series:
//
//   - 1 "Alpha": special 100 (S00E01, aired); S01 with six aired episodes,
//     101-104 missing, 105-106 downloaded; S02 with 201 aired, 202 aired
//     ten hours ago, 203 airing in two days, 204 with no air date.
//   - 2 "Beta", unmonitored: 301 aired and missing.
//   - 3 "Gamma": 401 aired and downloading, 402 aired, 403 aired but
//     unmonitored.
func Sonarr() []sdk.Item {
	items := []sdk.Item{
		ep(100, 1, "Alpha", 0, 1, Ago(900)),
		ep(101, 1, "Alpha", 1, 1, Ago(2000)),
		ep(102, 1, "Alpha", 1, 2, Ago(1900)),
		ep(103, 1, "Alpha", 1, 3, Ago(1800)),
		ep(104, 1, "Alpha", 1, 4, Ago(1700)),
		ep(105, 1, "Alpha", 1, 5, Ago(1600)),
		ep(106, 1, "Alpha", 1, 6, Ago(1550)),
		ep(201, 1, "Alpha", 2, 1, Ago(300)),
		ep(202, 1, "Alpha", 2, 2, Ago(10)),
		ep(203, 1, "Alpha", 2, 3, Ago(-48)),
		ep(204, 1, "Alpha", 2, 4, nil),
		ep(301, 2, "Beta", 1, 1, Ago(500)),
		ep(401, 3, "Gamma", 1, 1, Ago(3000)),
		ep(402, 3, "Gamma", 1, 2, Ago(100)),
		ep(403, 3, "Gamma", 1, 3, Ago(50)),
	}
	for i := range items {
		switch items[i].Key.ID {
		case 105, 106:
			items[i].HasFile = true
			items[i].Quality = "HDTV-720p"
		case 301:
			items[i].SeriesMonitored = false
		case 403:
			items[i].Monitored = false
		}
	}
	return items
}

// SonarrQueue has episode 401 downloading.
func SonarrQueue() []sdk.QueueRecord {
	return []sdk.QueueRecord{{Item: sdk.EpisodeKey(401), SeriesID: 3, SeasonNumber: 1, Status: "downloading"}}
}

// Radarr returns the Radarr library:
//
//   - 11 released long ago, available;
//   - 12 released two hours ago, available;
//   - 13 announced, no dates, not available;
//   - 14 in cinemas, waiting for its release, not available;
//   - 15 released, available, unmonitored;
//   - 16 to be announced, no dates, not available;
//   - 17 released and downloaded.
func Radarr() []sdk.Item {
	m := func(id int64, released *time.Time) sdk.Item {
		it := sdktest.Movie(id, released)
		it.Added = Ago(24 * 100)
		return it
	}
	announced := m(13, nil)
	announced.MovieStatus = "announced"
	cinemas := m(14, Ago(-24*60))
	cinemas.MovieStatus, cinemas.IsAvailable, cinemas.InCinemas = "inCinemas", false, Ago(100)
	unmonitored := m(15, Ago(3000))
	unmonitored.Monitored = false
	tba := m(16, nil)
	tba.MovieStatus = "tba"
	downloaded := m(17, Ago(4000))
	downloaded.HasFile = true
	return []sdk.Item{m(11, Ago(5000)), m(12, Ago(2)), announced, cinemas, unmonitored, tba, downloaded}
}

// Plan plans over lib through real gRPC and fails the test on an error.
func Plan(t testing.TB, s sdk.Strategy, lib sdk.Library, kind sdk.InstanceKind, config string, budget sdk.Budget) sdk.Plan {
	t.Helper()
	p, err := PlanAt(t, s, lib, kind, config, budget, Now)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// PlanAt plans at now.
func PlanAt(t testing.TB, s sdk.Strategy, lib sdk.Library, kind sdk.InstanceKind, config string, budget sdk.Budget, now time.Time) (sdk.Plan, error) {
	t.Helper()
	return s.Plan(context.Background(), sdk.PlanRequest{
		Trigger:  sdk.Trigger{Kind: sdk.TriggerSchedule, ID: "test", At: now},
		Instance: sdk.Instance{ID: 1, Name: string(kind), Kind: kind},
		Config:   json.RawMessage(config),
		Budget:   budget,
		Now:      now,
		Library:  lib,
	})
}

// Searched returns the items of the plan's intents, in order.
func Searched(p sdk.Plan) []sdk.ItemKey {
	var out []sdk.ItemKey
	for _, in := range p.Intents {
		out = append(out, in.Items...)
	}
	return out
}

// Commands returns the plan's commands, in order.
func Commands(p sdk.Plan) []sdk.Command {
	out := make([]sdk.Command, len(p.Intents))
	for i, in := range p.Intents {
		out[i] = in.Command
	}
	return out
}

// Reasons maps each decided item to its reason.
func Reasons(p sdk.Plan) map[sdk.ItemKey]string {
	out := make(map[sdk.ItemKey]string)
	for _, d := range p.Decisions {
		out[d.Item] = d.Reason
	}
	return out
}

// Code returns the reason code of an item's decision, or "".
func Code(p sdk.Plan, k sdk.ItemKey) string {
	code, _, _ := strings.Cut(Reasons(p)[k], ":")
	return code
}

// Eps returns episode keys.
func Eps(ids ...int64) []sdk.ItemKey {
	out := make([]sdk.ItemKey, len(ids))
	for i, id := range ids {
		out[i] = sdk.EpisodeKey(id)
	}
	return out
}

// Movies returns movie keys.
func Movies(ids ...int64) []sdk.ItemKey {
	out := make([]sdk.ItemKey, len(ids))
	for i, id := range ids {
		out[i] = sdk.MovieKey(id)
	}
	return out
}

// CheckCodes fails the test for each item whose reason code is not the
// one given.
func CheckCodes(t testing.TB, p sdk.Plan, want map[sdk.ItemKey]string) {
	t.Helper()
	rs := Reasons(p)
	for k, code := range want {
		if got := rs[k]; !strings.HasPrefix(got, code+":") {
			t.Errorf("%s: reason %q, want code %s", k, got, code)
		}
	}
}

// NoItemTwice fails the test when an item is in two intents or has two
// decisions.
func NoItemTwice(t testing.TB, p sdk.Plan) {
	t.Helper()
	seen := make(map[sdk.ItemKey]bool)
	for _, k := range Searched(p) {
		if seen[k] {
			t.Errorf("%s is in two intents", k)
		}
		seen[k] = true
	}
	decided := make(map[sdk.ItemKey]bool)
	for _, d := range p.Decisions {
		if decided[d.Item] {
			t.Errorf("%s has two decisions", d.Item)
		}
		decided[d.Item] = true
	}
}

// BigSonarr returns a library of episodes episodes in series of ten
// episodes (one season each), aired a day apart, of which missing (spread
// evenly) have no file: the benchmark library.
func BigSonarr(episodes, missing int) []sdk.Item {
	items := make([]sdk.Item, episodes)
	step := float64(episodes) / float64(missing)
	next := 0.0
	for i := range items {
		id := int64(i + 1)
		aired := Now.Add(-time.Duration(episodes-i) * time.Hour)
		items[i] = sdktest.Episode(id, 1+int64(i/10), 1, 1+i%10, &aired)
		items[i].Added = sdktest.At(aired.Add(-time.Duration(i%97) * time.Hour))
		if float64(i) >= next {
			next += step
			continue
		}
		items[i].HasFile = true
	}
	return items
}

// SeriesStats returns the series of a Sonarr library's episodes with their
// season statistics as Sonarr computes them at now: EpisodeCount counts the
// monitored episodes that aired and those with a file, EpisodeFileCount
// those with a file. Series and seasons are in order of first appearance.
func SeriesStats(items []sdk.Item, now time.Time) []sdk.Series {
	var out []sdk.Series
	at := make(map[int64]int)
	for i := range items {
		it := &items[i]
		if it.Key.Type != sdk.Episode {
			continue
		}
		si, ok := at[it.SeriesID]
		if !ok {
			si = len(out)
			at[it.SeriesID] = si
			out = append(out, sdk.Series{ID: it.SeriesID, Title: it.SeriesTitle, Monitored: it.SeriesMonitored})
		}
		s := &out[si]
		n := -1
		for j := range s.Seasons {
			if s.Seasons[j].Number == it.SeasonNumber {
				n = j
			}
		}
		if n < 0 {
			n = len(s.Seasons)
			s.Seasons = append(s.Seasons, sdk.Season{Number: it.SeasonNumber})
		}
		se := &s.Seasons[n]
		se.TotalEpisodeCount++
		if it.Monitored {
			se.Monitored = true
		}
		if it.HasFile {
			se.EpisodeFileCount++
			se.EpisodeCount++
		} else if it.Monitored && it.AirDateUTC != nil && !it.AirDateUTC.After(now) {
			se.EpisodeCount++
		}
	}
	return out
}
