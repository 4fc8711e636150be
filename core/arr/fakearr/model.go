package fakearr

// series is one generated Sonarr series. Its episodes are contiguous in the
// instance's episode slice, from first to first+count.
type series struct {
	id            int
	title         string
	sortTitle     string
	slug          string
	status        string // continuing, ended, upcoming
	network       string
	airTime       string
	seriesType    string // standard, daily, anime
	genres        []string
	tags          []int
	year          int
	runtime       int
	monitored     bool
	seasons       []seasonInfo
	profile       int // quality profile id
	tvdbID        int
	tvMazeID      int
	tmdbID        int
	imdbID        string
	added         int64
	first, count  int
	firstAired    int64
	lastAired     int64
	titleRank     int // position in sortTitle order
	certification string
}

// seasonInfo is one season of a series.
type seasonInfo struct {
	number    int
	monitored bool
}

// episode is one generated Sonarr episode; times are unix seconds, 0 for
// none.
type episode struct {
	id         int32
	series     int32 // index into the series slice
	season     int16
	number     int16
	absolute   int16 // anime only; 0 for none
	finale     int8  // 0 none, 1 season, 2 series
	monitored  bool
	air        int64
	lastSearch int64
	file       fileInfo
}

// fileInfo is the file of an episode or a movie; id 0 means no file.
type fileInfo struct {
	id      int32
	quality int16
	group   int8
	size    int64
	added   int64
}

// movie is one generated Radarr movie; times are unix seconds, 0 for none.
type movie struct {
	id              int
	title           string
	sortTitle       string
	year            int
	status          string // tba, announced, inCinemas, released
	minAvailability string
	inCinemas       int64
	digital         int64
	physical        int64
	monitored       bool
	profile         int
	tags            []int
	genres          []string
	runtime         int
	tmdbID          int
	imdbID          string
	studio          string
	certification   string
	added           int64
	lastSearch      int64
	file            fileInfo
}

// quality is one entry of the apps' quality definitions.
type quality struct {
	id         int
	name       string
	source     string
	resolution int
	modifier   string // Radarr only
}

// Sonarr's qualities in ascending rank, with their real ids.
var sonarrQualities = []quality{
	{1, "SDTV", "television", 480, ""},
	{12, "WEBRip-480p", "webRip", 480, ""},
	{8, "WEBDL-480p", "web", 480, ""},
	{2, "DVD", "dvd", 480, ""},
	{4, "HDTV-720p", "television", 720, ""},
	{14, "WEBRip-720p", "webRip", 720, ""},
	{5, "WEBDL-720p", "web", 720, ""},
	{6, "Bluray-720p", "bluray", 720, ""},
	{9, "HDTV-1080p", "television", 1080, ""},
	{15, "WEBRip-1080p", "webRip", 1080, ""},
	{3, "WEBDL-1080p", "web", 1080, ""},
	{7, "Bluray-1080p", "bluray", 1080, ""},
	{20, "Bluray-1080p Remux", "blurayRaw", 1080, ""},
	{16, "HDTV-2160p", "television", 2160, ""},
	{17, "WEBRip-2160p", "webRip", 2160, ""},
	{18, "WEBDL-2160p", "web", 2160, ""},
	{19, "Bluray-2160p", "bluray", 2160, ""},
	{21, "Bluray-2160p Remux", "blurayRaw", 2160, ""},
}

// Radarr's qualities in ascending rank, with their real ids.
var radarrQualities = []quality{
	{1, "SDTV", "tv", 480, "none"},
	{12, "WEBRip-480p", "webrip", 480, "none"},
	{8, "WEBDL-480p", "webdl", 480, "none"},
	{2, "DVD", "dvd", 480, "none"},
	{4, "HDTV-720p", "tv", 720, "none"},
	{14, "WEBRip-720p", "webrip", 720, "none"},
	{5, "WEBDL-720p", "webdl", 720, "none"},
	{6, "Bluray-720p", "bluray", 720, "none"},
	{9, "HDTV-1080p", "tv", 1080, "none"},
	{15, "WEBRip-1080p", "webrip", 1080, "none"},
	{3, "WEBDL-1080p", "webdl", 1080, "none"},
	{7, "Bluray-1080p", "bluray", 1080, "none"},
	{30, "Remux-1080p", "bluray", 1080, "remux"},
	{16, "HDTV-2160p", "tv", 2160, "none"},
	{17, "WEBRip-2160p", "webrip", 2160, "none"},
	{18, "WEBDL-2160p", "webdl", 2160, "none"},
	{19, "Bluray-2160p", "bluray", 2160, "none"},
	{31, "Remux-2160p", "bluray", 2160, "remux"},
}

// profile is a quality profile: the allowed range of qualities (by rank in
// the kind's quality table) and the cutoff.
type profile struct {
	id             int
	name           string
	minRank        int
	maxRank        int
	cutoffRank     int
	upgradeAllowed bool
	cutoffScore    int
	minScore       int
}

// effectiveCutoff is the rank a file must reach: the cutoff, or the first
// allowed quality when upgrades are off.
func (p profile) effectiveCutoff() int {
	if !p.upgradeAllowed {
		return p.minRank
	}
	return p.cutoffRank
}

// The generated quality profiles, shared by both kinds.
var profiles = []profile{
	{1, "Any", 0, 17, 4, true, 0, 0},
	{2, "SD", 0, 3, 3, true, 0, 0},
	{3, "HD-720p", 4, 7, 6, true, 0, 0},
	{4, "HD-1080p", 8, 12, 10, true, 1000, 0},
	{5, "Ultra-HD", 13, 17, 15, true, 2000, 0},
	{6, "HD - 720p/1080p", 4, 12, 10, false, 0, 0},
}

// customFormats are the formats the profiles score.
var customFormats = []struct {
	id    int
	name  string
	score int
}{
	{1, "WEB Tier 01", 1700},
	{2, "x264", 50},
	{3, "HDR10", 500},
	{4, "BR-DISK", -10000},
}

// tags are the tags of every instance.
var tagLabels = []string{"hd", "4k", "anime", "kids", "archive", "searcharr-skip"}

// releaseGroups name the groups of generated files.
var releaseGroups = []string{"NTb", "FLUX", "EDITH", "SiGMA", "GGWP", "FGT", "KiNGS", "TEPES"}
