package fakearr

import (
	"strconv"
	"strings"
)

var titleAdjectives = []string{
	"Silent", "Broken", "Golden", "Hidden", "Last", "Northern", "Crimson", "Lost",
	"Electric", "Savage", "Quiet", "Endless", "Hollow", "Iron", "Wild", "Distant",
	"Burning", "Frozen", "Secret", "Bright", "Dark", "Little", "Grand", "Final",
	"Restless", "Wandering", "Shattered", "Lucky", "Rising", "Falling", "Sacred", "Velvet",
}

var titleNouns = []string{
	"Harbor", "Empire", "Frontier", "Garden", "Signal", "Kingdom", "Horizon", "Station",
	"Orchard", "Circuit", "Mirror", "Canyon", "Lantern", "Voyage", "Archive", "Citadel",
	"Meadow", "Engine", "Tide", "Compass", "Summit", "Paradox", "Crown", "Labyrinth",
	"Relay", "Cartel", "Academy", "District", "Colony", "Outpost", "Verdict", "Protocol",
}

var episodeWords = []string{
	"Pilot", "Homecoming", "The Offer", "Crossroads", "Aftermath", "Blackout", "The Long Night",
	"Reunion", "Fault Lines", "Exposure", "The Return", "Deadline", "Open Water", "Ghosts",
	"Leverage", "First Light", "Old Wounds", "The Deal", "Undertow", "Checkmate", "Vigil",
	"Static", "Godspeed", "Paper Trail", "Safe Harbor", "Zero Hour", "The Trial", "Ashes",
}

var networks = []string{
	"HBO", "AMC", "NBC", "BBC One", "Netflix", "Amazon", "FX", "Hulu", "Apple TV+",
	"Crunchyroll", "ABC", "CBS", "Comedy Central", "Channel 4", "Tokyo MX",
}

var genreNames = []string{
	"Drama", "Comedy", "Crime", "Science Fiction", "Fantasy", "Animation", "Documentary",
	"Thriller", "Action", "Adventure", "Mystery", "Romance", "Horror", "Family",
}

var studios = []string{
	"Legendary Pictures", "A24", "Warner Bros. Pictures", "Universal Pictures", "Neon",
	"Paramount Pictures", "Focus Features", "Studio Ghibli", "Lionsgate",
}

// makeTitle returns a title for the i-th generated series or movie.
func makeTitle(h uint64, i int) string {
	n := len(titleAdjectives) * len(titleNouns)
	k := (int(h%uint64(n)) + i*7) % n
	t := "The " + titleAdjectives[k/len(titleNouns)] + " " + titleNouns[k%len(titleNouns)]
	if i >= n {
		t += " " + strconv.Itoa(i/n+1)
	}
	return t
}

// sortTitleOf lowercases a title and drops a leading article, as the apps do.
func sortTitleOf(t string) string {
	s := strings.ToLower(t)
	for _, a := range []string{"the ", "a ", "an "} {
		if strings.HasPrefix(s, a) {
			return s[len(a):]
		}
	}
	return s
}

// slugOf turns a title into a title slug.
func slugOf(t string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(t) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// cleanTitleOf is the apps' clean title: lowercase letters and digits.
func cleanTitleOf(t string) string { return strings.ReplaceAll(slugOf(sortTitleOf(t)), "-", "") }

// episodeTitle is the title of an episode, derived from its id.
func episodeTitle(seed int64, id int32) string {
	h := hashOf(seed, saltTitle, uint64(id))
	return episodeWords[pick(h, len(episodeWords))]
}

// pickGenres returns one to three genres.
func pickGenres(h uint64) []string {
	n := 1 + pick(h>>8, 3)
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		g := genreNames[pick(mix(h+uint64(i)), len(genreNames))]
		dup := false
		for _, x := range out {
			dup = dup || x == g
		}
		if !dup {
			out = append(out, g)
		}
	}
	return out
}

// pickTags returns zero to two tag ids.
func pickTags(h uint64) []int {
	switch pick(h, 10) {
	case 0, 1, 2, 3, 4:
		return []int{}
	case 5, 6, 7:
		return []int{1 + pick(h>>16, len(tagLabels))}
	}
	a, b := 1+pick(h>>16, len(tagLabels)), 1+pick(h>>24, len(tagLabels))
	if a == b {
		return []int{a}
	}
	if a > b {
		a, b = b, a
	}
	return []int{a, b}
}

// pickProfile returns a quality profile id, mostly HD-1080p.
func pickProfile(h uint64) int {
	switch x := pick(h, 20); {
	case x < 2:
		return 1
	case x < 3:
		return 2
	case x < 6:
		return 3
	case x < 15:
		return 4
	case x < 18:
		return 5
	}
	return 6
}
