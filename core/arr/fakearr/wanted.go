package fakearr

import (
	"net/http"
	"slices"
	"strings"

	"github.com/vibequality/searcharr/core/domain"
)

// The Sonarr wanted sort keys; the first is the default.
var sonarrWantedKeys = []string{"episodes.airDateUtc", "episodes.lastSearchTime", "series.sortTitle"}

// The Radarr wanted sort keys; the first is the default.
var radarrWantedKeys = []string{radarrSortTitle, radarrSortCinemas, radarrSortDigital, radarrSortPhysical, radarrSortYear, radarrSortLastSerch}

// effectiveKey returns the whitelisted key matching k (case-insensitive), or
// the default: unknown keys fall back silently (NOTES Q2).
func effectiveKey(keys []string, k string) string {
	for _, key := range keys {
		if strings.EqualFold(key, k) {
			return key
		}
	}
	return keys[0]
}

// wantedKey identifies one cached wanted list.
type wantedKey struct {
	cutoff    bool
	monitored bool
	sortKey   string
}

// wantedList is a cached, sorted (ascending) wanted list. It stays valid
// while the instance's version is unchanged and the clock is before
// validUntil (unix seconds; 0 = no time limit).
type wantedList struct {
	version    uint64
	validUntil int64
	idx        []int32
}

// touch marks the library as changed, invalidating cached lists. The caller
// holds the lock.
func (in *Instance) touch() { in.version++ }

// wantedIndexes returns the sorted indexes of a wanted list, from cache
// when still valid. The caller holds the lock.
func (in *Instance) wantedIndexes(k wantedKey, now int64) []int32 {
	if c := in.wanted[k]; c != nil && c.version == in.version && (c.validUntil == 0 || now < c.validUntil) {
		return c.idx
	}
	c := &wantedList{version: in.version}
	if in.son != nil {
		c.idx, c.validUntil = in.sonarrWanted(k, now)
	} else {
		c.idx = in.radarrWanted(k)
	}
	in.wanted[k] = c
	return c.idx
}

// sonarrWanted filters the episodes of a wanted list in key order and
// returns when the time filter would next let another episode in.
func (in *Instance) sonarrWanted(k wantedKey, now int64) ([]int32, int64) {
	lib := in.son
	base := lib.byAir
	if k.sortKey == "series.sortTitle" {
		base = lib.byTitle
	}
	var next int64
	out := make([]int32, 0, len(base)/4)
	for _, i := range base {
		e := &lib.episodes[i]
		s := &lib.series[e.series]
		if (e.monitored && s.monitored) != k.monitored {
			continue
		}
		if k.cutoff {
			if e.file.id == 0 || e.season < 1 {
				continue
			}
			_, rank := qualityByID(sonarrQualities, int(e.file.quality))
			if rank >= profiles[s.profile-1].effectiveCutoff() {
				continue
			}
		} else {
			if e.file.id != 0 || e.air == 0 {
				continue
			}
			if aired := e.air + int64(s.runtime)*60; aired > now {
				if next == 0 || aired < next {
					next = aired
				}
				continue
			}
		}
		out = append(out, i)
	}
	if k.sortKey == "episodes.lastSearchTime" {
		eps := lib.episodes
		slices.SortStableFunc(out, func(a, b int32) int { return cmpInt64(eps[a].lastSearch, eps[b].lastSearch) })
	}
	return out, next
}

// radarrWanted filters the movies of a wanted list in key order.
func (in *Instance) radarrWanted(k wantedKey) []int32 {
	lib := in.rad
	base, ok := lib.orders[k.sortKey]
	if !ok {
		base = lib.orders[radarrSortTitle]
	}
	out := make([]int32, 0, len(base)/4)
	for _, i := range base {
		m := &lib.movies[i]
		if m.monitored != k.monitored {
			continue
		}
		if k.cutoff {
			if m.file.id == 0 {
				continue
			}
			_, rank := qualityByID(radarrQualities, int(m.file.quality))
			if rank >= profiles[m.profile-1].effectiveCutoff() {
				continue
			}
		} else if m.file.id != 0 || m.year <= 0 {
			continue
		}
		out = append(out, i)
	}
	if k.sortKey == radarrSortLastSerch {
		ms := lib.movies
		slices.SortStableFunc(out, func(a, b int32) int { return cmpInt64(ms[a].lastSearch, ms[b].lastSearch) })
	}
	return out
}

// pageSlice cuts one page out of an ascending list, reversed for a
// descending direction. SQLite semantics: a negative pageSize has no limit,
// a negative offset counts as 0.
func pageSlice(idx []int32, page, pageSize int, descending bool) []int32 {
	if pageSize == 0 {
		return nil
	}
	offset := 0
	if pageSize > 0 {
		offset = max(0, (page-1)*pageSize)
	}
	n := len(idx)
	if offset >= n {
		return nil
	}
	end := n
	if pageSize > 0 {
		end = min(n, offset+pageSize)
	}
	out := make([]int32, 0, end-offset)
	for p := offset; p < end; p++ {
		if descending {
			out = append(out, idx[n-1-p])
		} else {
			out = append(out, idx[p])
		}
	}
	return out
}

// handleWanted serves wanted/missing and wanted/cutoff.
func (in *Instance) handleWanted(w http.ResponseWriter, r *http.Request, cutoff bool) {
	q := newQuery(r)
	page := q.int("page", 1)
	pageSize := q.int("pageSize", 10)
	sortKey, _ := q.raw("sortKey")
	dir := q.direction()
	monitored := q.bool("monitored", true)
	sonarr := in.cfg.Kind == domain.KindSonarr
	var opts episodeOpts
	if sonarr {
		opts.series = q.bool("includeSeries", false)
		opts.images = q.bool("includeImages", false)
		if cutoff {
			opts.file = q.bool("includeEpisodeFile", false)
		}
	}
	if !q.check(w, in) {
		return
	}
	keys := radarrWantedKeys
	if sonarr {
		keys = sonarrWantedKeys
	}
	key := effectiveKey(keys, sortKey)
	if dir == "default" {
		dir = "ascending"
	}
	head := pagingHead{Page: page, PageSize: pageSize, SortKey: key, SortDirection: dir}

	in.mu.Lock()
	now := in.now()
	idx := in.wantedIndexes(wantedKey{cutoff: cutoff, monitored: monitored, sortKey: key}, now.Unix())
	head.TotalRecords = len(idx)
	sel := pageSlice(idx, page, pageSize, dir == "descending")
	if sonarr {
		records := make([]episodeResource, len(sel))
		seriesCache := map[int32]*seriesResource{}
		for n, i := range sel {
			records[n] = in.episodeResource(i, episodeOpts{file: opts.file, images: opts.images})
			if opts.series {
				si := in.son.episodes[i].series
				sr, ok := seriesCache[si]
				if !ok {
					v := in.seriesResource(int(si), false)
					sr = &v
					seriesCache[si] = sr
				}
				records[n].Series = sr
			}
		}
		in.mu.Unlock()
		writePage(w, head, records)
		return
	}
	records := make([]movieResource, len(sel))
	for n, i := range sel {
		records[n] = in.movieResource(int(i), now)
	}
	in.mu.Unlock()
	writePage(w, head, records)
}
