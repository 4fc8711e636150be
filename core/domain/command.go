package domain

// CommandName is a Sonarr/Radarr search command.
type CommandName string

// The search commands Searcharr sends.
const (
	CmdEpisodeSearch CommandName = "EpisodeSearch"
	CmdSeasonSearch  CommandName = "SeasonSearch"
	CmdSeriesSearch  CommandName = "SeriesSearch"
	CmdMoviesSearch  CommandName = "MoviesSearch"
)

// Valid reports whether c is one of the search commands.
func (c CommandName) Valid() bool {
	switch c {
	case CmdEpisodeSearch, CmdSeasonSearch, CmdSeriesSearch, CmdMoviesSearch:
		return true
	}
	return false
}

// Command is one search command as sent to an instance. Only the fields its
// name uses are set: EpisodeIDs for EpisodeSearch, SeriesID and SeasonNumber
// for SeasonSearch, SeriesID for SeriesSearch, MovieIDs for MoviesSearch.
type Command struct {
	Name         CommandName
	EpisodeIDs   []int64
	SeriesID     int64
	SeasonNumber int
	MovieIDs     []int64
}

// Cost is the number of indexer searches the command causes: one per
// episode for EpisodeSearch, one per movie for MoviesSearch, one for a
// SeasonSearch. A SeriesSearch runs a season search per monitored season;
// without knowing the series it counts as one.
func (c Command) Cost() int {
	switch c.Name {
	case CmdEpisodeSearch:
		return len(c.EpisodeIDs)
	case CmdMoviesSearch:
		return len(c.MovieIDs)
	}
	return 1
}
