package fakearr

import (
	"fmt"
	"slices"
	"time"
)

// radarrLibrary is a generated Radarr library with its fixed sort orders.
type radarrLibrary struct {
	movies   []movie
	orders   map[string][]int32 // sort key -> movie indexes, ascending
	nextFile int32
}

// The Radarr wanted sort keys and their default.
const (
	radarrSortTitle     = "movieMetadata.sortTitle"
	radarrSortYear      = "movieMetadata.year"
	radarrSortCinemas   = "movieMetadata.inCinemas"
	radarrSortDigital   = "movieMetadata.digitalRelease"
	radarrSortPhysical  = "movieMetadata.physicalRelease"
	radarrSortLastSerch = "movies.lastSearchTime"
)

// generateRadarr builds a deterministic Radarr library around now.
func generateRadarr(cfg InstanceConfig, now time.Time) *radarrLibrary {
	anchor := now.UTC().Truncate(24 * time.Hour).Unix()
	lib := &radarrLibrary{movies: make([]movie, 0, cfg.Movies)}
	seed := cfg.Seed
	var fileID int32
	titleSeed := hashOf(seed, saltMovie, 0)
	for i := 0; i < cfg.Movies; i++ {
		h := hashOf(seed, saltMovie, uint64(i+1))
		m := movie{
			id:            i + 1,
			title:         makeTitle(titleSeed, i),
			genres:        pickGenres(h >> 7),
			tags:          pickTags(h >> 11),
			profile:       pickProfile(h >> 17),
			monitored:     unit(mix(h^1)) >= 0.1,
			runtime:       85 + pick(h>>21, 80),
			tmdbID:        100000 + i*7,
			imdbID:        fmt.Sprintf("tt%07d", 2000000+i*13),
			studio:        studios[pick(h>>25, len(studios))],
			certification: []string{"G", "PG", "PG-13", "R"}[pick(h>>29, 4)],
		}
		m.sortTitle = sortTitleOf(m.title)
		switch x := pick(h>>33, 100); {
		case x < 75:
			m.status = "released"
			m.inCinemas = anchor - int64(200+pick(h>>37, 40*365))*day
			if unit(mix(h^2)) < 0.05 {
				m.inCinemas = 0
			}
			base := m.inCinemas
			if base == 0 {
				base = anchor - int64(200+pick(h>>37, 40*365))*day
			}
			if unit(mix(h^3)) < 0.7 || m.inCinemas == 0 {
				m.digital = base + int64(30+pick(h>>41, 90))*day
			}
			if unit(mix(h^4)) < 0.6 {
				m.physical = base + int64(60+pick(h>>45, 90))*day
			}
		case x < 82:
			m.status = "inCinemas"
			m.inCinemas = anchor - int64(1+pick(h>>37, 60))*day
			if unit(mix(h^3)) < 0.6 {
				m.digital = m.inCinemas + int64(60+pick(h>>41, 60))*day
			}
			if unit(mix(h^4)) < 0.4 {
				m.physical = m.inCinemas + int64(90+pick(h>>45, 60))*day
			}
		case x < 92:
			m.status = "announced"
			if unit(mix(h^2)) < 0.8 {
				m.inCinemas = anchor + int64(10+pick(h>>37, 400))*day
				if unit(mix(h^3)) < 0.5 {
					m.digital = m.inCinemas + int64(45+pick(h>>41, 60))*day
				}
				if unit(mix(h^4)) < 0.3 {
					m.physical = m.inCinemas + int64(90+pick(h>>45, 60))*day
				}
			} else {
				m.digital = anchor + int64(30+pick(h>>41, 300))*day
			}
		default:
			m.status = "tba"
		}
		switch x := pick(h>>49, 20); {
		case x < 1:
			m.minAvailability = "tba"
		case x < 4:
			m.minAvailability = "announced"
		case x < 8:
			m.minAvailability = "inCinemas"
		default:
			m.minAvailability = "released"
		}
		switch first := firstNonZero(m.inCinemas, m.digital, m.physical); {
		case first != 0:
			m.year = time.Unix(first, 0).UTC().Year()
		case x(h, 53, 3) == 0:
			m.year = 0
		default:
			m.year = time.Unix(anchor, 0).UTC().Year() + 1 + pick(h>>55, 2)
		}
		m.added = anchor - int64(pick(h>>57, 3*365))*day
		if m.status == "released" && unit(mix(h^5)) >= cfg.MissingRatio {
			fileID++
			released := firstNonZero(m.digital, m.physical, m.inCinemas)
			m.file = makeFile(fileID, profiles[m.profile-1], radarrQualities, cfg.CutoffRatio, mix(h^6), released, anchor, m.runtime)
		} else if unit(mix(h^7)) < 0.3 {
			m.lastSearch = anchor - int64(1+pick(mix(h^8), 90))*day - int64(pick(mix(h^9), 86400))
		}
		lib.movies = append(lib.movies, m)
	}
	lib.nextFile = fileID
	lib.buildOrders()
	return lib
}

// x returns the hash bits at shift as a number in [0, n).
func x(h uint64, shift, n int) int { return pick(h>>shift, n) }

// firstNonZero returns the smallest non-zero value, or 0.
func firstNonZero(vals ...int64) int64 {
	var out int64
	for _, v := range vals {
		if v != 0 && (out == 0 || v < out) {
			out = v
		}
	}
	return out
}

// buildOrders computes the fixed sort orders of the movies.
func (lib *radarrLibrary) buildOrders() {
	ms := lib.movies
	base := make([]int32, len(ms))
	for i := range base {
		base[i] = int32(i)
	}
	by := func(key func(m *movie) int64) []int32 {
		o := slices.Clone(base)
		slices.SortStableFunc(o, func(a, b int32) int { return cmpInt64(key(&ms[a]), key(&ms[b])) })
		return o
	}
	byTitle := slices.Clone(base)
	slices.SortStableFunc(byTitle, func(a, b int32) int { return compareStrings(ms[a].sortTitle, ms[b].sortTitle) })
	lib.orders = map[string][]int32{
		radarrSortTitle:    byTitle,
		radarrSortYear:     by(func(m *movie) int64 { return int64(m.year) }),
		radarrSortCinemas:  by(func(m *movie) int64 { return m.inCinemas }),
		radarrSortDigital:  by(func(m *movie) int64 { return m.digital }),
		radarrSortPhysical: by(func(m *movie) int64 { return m.physical }),
	}
}
