package condition

// Field is a name a condition may use, with its type and meaning, for an
// editor to offer. Payload fields that an event type does not carry are
// nil, so `event.movie.title == "X"` is simply false for a Sonarr event.
type Field struct {
	Name        string
	Type        string
	Description string
}

// Fields are the webhook payload fields conditions use most, taken from
// the Sonarr/Radarr webhook bodies. A condition may use any other field
// of the payload too.
var Fields = []Field{
	{"event.eventType", "string", "The webhook event: Grab, Download, EpisodeFileDelete, MovieFileDelete, SeriesAdd, MovieAdded, Health, ..."},
	{"event.instanceName", "string", "The name of the Sonarr/Radarr instance that sent the event."},
	{"event.deleteReason", "string", "EpisodeFileDelete, MovieFileDelete: missingFromDisk, manual or upgrade."},
	{"event.isUpgrade", "boolean", "Download: whether the file replaced an existing one."},
	{"event.series.id", "integer", "Sonarr: the series' id."},
	{"event.series.title", "string", "Sonarr: the series' title."},
	{"event.series.type", "string", "Sonarr: standard, daily or anime."},
	{"event.series.year", "integer", "Sonarr: the series' year."},
	{"event.series.genres", "string[]", "Sonarr: the series' genres."},
	{"event.series.tags", "string[]", "Sonarr: the labels of the series' tags."},
	{"event.episodes", "object[]", "Sonarr: the episodes concerned, each with id, seasonNumber, episodeNumber, title, airDate."},
	{"event.movie.id", "integer", "Radarr: the movie's id."},
	{"event.movie.title", "string", "Radarr: the movie's title."},
	{"event.movie.year", "integer", "Radarr: the movie's year."},
	{"event.movie.genres", "string[]", "Radarr: the movie's genres."},
	{"event.movie.tags", "string[]", "Radarr: the labels of the movie's tags."},
	{"event.release.quality", "string", "Grab: the release's quality, such as WEBDL-1080p."},
	{"event.release.indexer", "string", "Grab, Download: the indexer the release came from."},
	{"event.release.releaseTitle", "string", "Grab, Download: the release's title."},
	{"event.downloadClient", "string", "Grab, Download: the download client's name."},
	{"event.level", "string", "Health: warning or error."},
	{"event.message", "string", "Health: the health check's message."},
}
