package fakearr

import (
	"fmt"
	"slices"
	"time"
)

const day = int64(24 * 60 * 60)

// sonarrLibrary is a generated Sonarr library with its fixed sort orders.
type sonarrLibrary struct {
	series   []series
	episodes []episode
	byAir    []int32 // episode indexes by (airDateUtc, id)
	byTitle  []int32 // episode indexes by (series sortTitle, airDateUtc, id)
	nextFile int32
}

// generateSonarr builds a deterministic Sonarr library around now.
func generateSonarr(cfg InstanceConfig, now time.Time) *sonarrLibrary {
	anchor := now.UTC().Truncate(24 * time.Hour).Unix()
	nowSec := now.Unix()
	total := cfg.Episodes
	nSeries := cfg.Series
	if nSeries <= 0 {
		nSeries = max(1, total/50)
	}
	nSeries = min(nSeries, max(1, total))
	lib := &sonarrLibrary{
		series:   make([]series, 0, nSeries),
		episodes: make([]episode, 0, total),
	}
	seed := cfg.Seed
	var fileID int32
	for si := 0; si < nSeries; si++ {
		alloc := total / nSeries
		if si < total%nSeries {
			alloc++
		}
		h := hashOf(seed, saltSeries, uint64(si))
		s := series{
			id:        si + 1,
			title:     makeTitle(hashOf(seed, saltSeries, 0), si),
			network:   networks[pick(h>>3, len(networks))],
			genres:    pickGenres(h >> 7),
			tags:      pickTags(h >> 11),
			profile:   pickProfile(h >> 17),
			monitored: unit(mix(h^1)) >= 0.1,
			tvdbID:    70000 + si*13 + pick(h, 13),
			tvMazeID:  1000 + si*3,
			tmdbID:    30000 + si*11,
			imdbID:    fmt.Sprintf("tt%07d", 1000000+si*17),
		}
		s.sortTitle, s.slug = sortTitleOf(s.title), slugOf(s.title)
		s.certification = []string{"TV-G", "TV-PG", "TV-14", "TV-MA"}[pick(h>>21, 4)]
		perSeason := 8 + pick(h>>25, 17)
		s.seriesType, s.runtime = "standard", []int{22, 30, 45, 60}[pick(h>>29, 4)]
		switch pick(h>>33, 20) {
		case 0, 1:
			s.seriesType, s.runtime, perSeason = "anime", 24, 12+pick(h>>25, 15)
		case 2:
			s.seriesType, s.runtime, perSeason = "daily", 30+15*pick(h>>29, 3), 60+pick(h>>25, 120)
		}
		switch x := pick(h>>37, 10); {
		case x < 6:
			s.status = "ended"
		case x < 9:
			s.status = "continuing"
		default:
			s.status = "upcoming"
		}
		specials := 0
		if alloc >= 8 && unit(mix(h^2)) < 0.4 {
			specials = min(1+pick(h>>41, 3), alloc/8)
		}
		regular := alloc - specials
		cadence := 7 * day
		if s.seriesType == "daily" {
			cadence = day
		}
		// Offsets of the regular episodes from the first air date: weekly
		// (daily) within a season, one season a year.
		offset := func(k int) int64 {
			return int64(k/perSeason)*365*day + int64(k%perSeason)*cadence
		}
		hour := int64([]int{0, 1, 2, 3, 20, 21, 22, 23}[pick(h>>45, 8)]) * 3600
		var t0 int64
		pivot := regular // first episode in the future
		switch s.status {
		case "ended":
			last := anchor - 30*day - int64(pick(h>>49, 15*365))*day
			t0 = last - offset(max(0, regular-1))
		case "continuing":
			lastSeason := regular - (regular-1)/perSeason*perSeason
			pivot = regular - 1 - pick(h>>49, max(1, lastSeason/2))
			pivot = max(pivot, min(1, regular-1))
			t0 = anchor + int64(3+pick(h>>53, 7))*day - offset(pivot)
		default:
			pivot = 0
			t0 = anchor + int64(30+pick(h>>49, 370))*day
		}
		t0 += hour
		s.year = time.Unix(t0, 0).UTC().Year()
		s.airTime = fmt.Sprintf("%02d:00", (hour/3600+20)%24)
		s.added = min(anchor, t0) - int64(pick(h>>55, 60))*day
		s.first = len(lib.episodes)
		s.count = alloc
		prof := profiles[s.profile-1]
		seasons := 0
		if regular > 0 {
			seasons = (regular-1)/perSeason + 1
		}
		if specials > 0 {
			s.seasons = append(s.seasons, seasonInfo{0, unit(mix(h^3)) < 0.2})
		}
		for n := 1; n <= seasons; n++ {
			s.seasons = append(s.seasons, seasonInfo{n, unit(hashOf(seed, saltSeason, uint64(si), uint64(n))) >= 0.05})
		}
		seasonMon := func(n int) bool {
			for _, x := range s.seasons {
				if x.number == n {
					return x.monitored
				}
			}
			return false
		}
		add := func(season, number, abs int, air int64, finale int8) {
			id := int32(len(lib.episodes) + 1)
			eh := hashOf(seed, saltEpisode, uint64(id))
			e := episode{
				id: id, series: int32(si), season: int16(season), number: int16(number),
				absolute: int16(abs), finale: finale, air: air,
				monitored: seasonMon(season) && unit(eh) >= 0.03,
			}
			aired := air != 0 && air+int64(s.runtime)*60 <= nowSec
			if aired {
				missing := cfg.MissingRatio
				if season == 0 {
					missing = max(missing, 0.7)
				}
				if unit(mix(eh^1)) >= missing {
					fileID++
					e.file = makeFile(fileID, prof, sonarrQualities, cfg.CutoffRatio, mix(eh^2), air, anchor, s.runtime)
				} else if unit(mix(eh^3)) < 0.3 {
					e.lastSearch = anchor - int64(1+pick(mix(eh^4), 90))*day - int64(pick(mix(eh^5), 86400))
				}
			}
			lib.episodes = append(lib.episodes, e)
		}
		for k := 0; k < specials; k++ {
			air := t0 + int64(pick(mix(h^uint64(100+k)), int(max(1, offset(max(0, regular-1))/day+1))))*day
			if unit(mix(h^uint64(200+k))) < 0.3 || air > anchor+400*day {
				air = 0
			}
			add(0, k+1, 0, air, 0)
		}
		for k := 0; k < regular; k++ {
			season, number := k/perSeason+1, k%perSeason+1
			air := t0 + offset(k)
			if unscheduled(s.status, k, pivot, regular) {
				air = 0
			}
			var finale int8
			if k == regular-1 && s.status == "ended" {
				finale = 2
			} else if number == perSeason || k == regular-1 {
				finale = 1
			}
			abs := 0
			if s.seriesType == "anime" {
				abs = k + 1
			}
			add(season, number, abs, air, finale)
		}
		lib.series = append(lib.series, s)
	}
	lib.nextFile = fileID
	lib.buildOrders()
	return lib
}

// makeFile returns a file for an item of profile p: below the cutoff with
// chance cutoffRatio (when the profile allows it), else at or above it.
func makeFile(id int32, p profile, table []quality, cutoffRatio float64, h uint64, released, anchor int64, runtime int) fileInfo {
	cut := p.effectiveCutoff()
	rank := cut + pick(h>>8, p.maxRank-cut+1)
	if cut > p.minRank && unit(h) < cutoffRatio {
		rank = p.minRank + pick(h>>8, cut-p.minRank)
	}
	q := table[rank]
	return fileInfo{
		id:      id,
		quality: int16(q.id),
		group:   int8(pick(h>>20, len(releaseGroups))),
		size:    fileSize(q.resolution, runtime, h>>30),
		added:   min(anchor, released+int64(1+pick(h>>40, 30))*day),
	}
}

// unscheduled reports whether the k-th regular episode has no air date yet:
// the last third of an upcoming series, the last episodes of a continuing
// one past the next two.
func unscheduled(status string, k, pivot, regular int) bool {
	switch status {
	case "upcoming":
		return k > regular*2/3
	case "continuing":
		return k > pivot+1 && k >= regular-2
	}
	return false
}

// fileSize estimates a file's size from its resolution and runtime.
func fileSize(resolution, runtime int, h uint64) int64 {
	perMinute := int64(8)
	switch resolution {
	case 720:
		perMinute = 25
	case 1080:
		perMinute = 55
	case 2160:
		perMinute = 180
	}
	return perMinute<<20*int64(max(1, runtime)) + int64(h%(64<<20))
}

// buildOrders computes the fixed sort orders of the episodes.
func (lib *sonarrLibrary) buildOrders() {
	order := make([]int, len(lib.series))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := compareStrings(lib.series[a].sortTitle, lib.series[b].sortTitle); c != 0 {
			return c
		}
		return a - b
	})
	for rank, i := range order {
		s := &lib.series[i]
		s.titleRank = rank
		for _, e := range lib.episodes[s.first : s.first+s.count] {
			if e.air != 0 && (s.firstAired == 0 || e.air < s.firstAired) {
				s.firstAired = e.air
			}
			s.lastAired = max(s.lastAired, e.air)
		}
	}
	n := len(lib.episodes)
	lib.byAir = make([]int32, n)
	for i := range lib.byAir {
		lib.byAir[i] = int32(i)
	}
	eps := lib.episodes
	slices.SortFunc(lib.byAir, func(a, b int32) int {
		if eps[a].air != eps[b].air {
			return cmpInt64(eps[a].air, eps[b].air)
		}
		return int(a - b)
	})
	lib.byTitle = slices.Clone(lib.byAir)
	slices.SortStableFunc(lib.byTitle, func(a, b int32) int {
		return lib.series[eps[a].series].titleRank - lib.series[eps[b].series].titleRank
	})
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
