package domain

import (
	"encoding/json"
	"fmt"
)

// commandBody is the JSON body of POST /api/v3/command.
type commandBody struct {
	Name         CommandName `json:"name"`
	EpisodeIDs   []int64     `json:"episodeIds,omitempty"`
	SeriesID     int64       `json:"seriesId,omitempty"`
	SeasonNumber *int        `json:"seasonNumber,omitempty"`
	MovieIDs     []int64     `json:"movieIds,omitempty"`
}

// EncodeCommandBody renders c as the body of POST /api/v3/command: the
// name and only the fields that name uses.
func EncodeCommandBody(c Command) (json.RawMessage, error) {
	b := commandBody{Name: c.Name}
	switch c.Name {
	case CmdEpisodeSearch:
		b.EpisodeIDs = c.EpisodeIDs
	case CmdMoviesSearch:
		b.MovieIDs = c.MovieIDs
	case CmdSeriesSearch:
		b.SeriesID = c.SeriesID
	case CmdSeasonSearch:
		season := c.SeasonNumber
		b.SeriesID, b.SeasonNumber = c.SeriesID, &season
	default:
		return nil, fmt.Errorf("domain: unknown command %q", c.Name)
	}
	return json.Marshal(b)
}

// DecodeCommandBody parses a body EncodeCommandBody wrote.
func DecodeCommandBody(body json.RawMessage) (Command, error) {
	var b commandBody
	if err := json.Unmarshal(body, &b); err != nil {
		return Command{}, fmt.Errorf("domain: unable to decode command body: %w", err)
	}
	if !b.Name.Valid() {
		return Command{}, fmt.Errorf("domain: unknown command %q", b.Name)
	}
	c := Command{Name: b.Name, EpisodeIDs: b.EpisodeIDs, SeriesID: b.SeriesID, MovieIDs: b.MovieIDs}
	if b.SeasonNumber != nil {
		c.SeasonNumber = *b.SeasonNumber
	}
	return c, nil
}
