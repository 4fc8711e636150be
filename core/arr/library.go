package arr

import (
	"context"
	"io"
	"net/url"
	"strconv"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// requireKind refuses an endpoint that exists only on the other application.
func (c *Client) requireKind(op string, kind domain.InstanceKind) error {
	if c.kind != kind {
		return invalidf(op, "%s is a %s endpoint; this instance is %s", op, kind.AppName(), c.app)
	}
	return nil
}

// getList decodes a top-level JSON array of T into a slice.
func getList[T any](ctx context.Context, c *Client, path string, q url.Values) ([]T, error) {
	var out []T
	err := c.get(ctx, path, q, func(r io.Reader) error {
		out = out[:0]
		return streamArray(r, func(v *T) error {
			out = append(out, *v)
			return nil
		})
	})
	return out, err
}

// getOne decodes a single JSON object into a T.
func getOne[T any](ctx context.Context, c *Client, path string, q url.Values) (T, error) {
	var v T
	err := c.get(ctx, path, q, func(r io.Reader) error { return decodeOne(r, &v) })
	return v, err
}

// Series lists every series of a Sonarr instance, with statistics.
func (c *Client) Series(ctx context.Context) ([]Series, error) {
	if err := c.requireKind("GET "+apiPrefix+"/series", domain.KindSonarr); err != nil {
		return nil, err
	}
	return getList[Series](ctx, c, "/series", nil)
}

// SeriesByID reads one series; a missing id gives ErrNotFound.
func (c *Client) SeriesByID(ctx context.Context, id int64) (Series, error) {
	op := "GET " + apiPrefix + "/series/{id}"
	if err := c.requireKind(op, domain.KindSonarr); err != nil {
		return Series{}, err
	}
	if id <= 0 {
		return Series{}, invalidf(op, "series id %d must be positive", id)
	}
	return getOne[Series](ctx, c, "/series/"+strconv.FormatInt(id, 10), nil)
}

// Episodes lists the episodes of one series. They carry no series object;
// convert them with Episode.ItemWithSeries.
func (c *Client) Episodes(ctx context.Context, seriesID int64) ([]Episode, error) {
	op := "GET " + apiPrefix + "/episode"
	if err := c.requireKind(op, domain.KindSonarr); err != nil {
		return nil, err
	}
	if seriesID <= 0 {
		return nil, invalidf(op, "series id %d must be positive", seriesID)
	}
	return getList[Episode](ctx, c, "/episode", url.Values{"seriesId": {strconv.FormatInt(seriesID, 10)}})
}

// Movies lists every movie of a Radarr instance.
func (c *Client) Movies(ctx context.Context) ([]Movie, error) {
	if err := c.requireKind("GET "+apiPrefix+"/movie", domain.KindRadarr); err != nil {
		return nil, err
	}
	return getList[Movie](ctx, c, "/movie", nil)
}

// Movie reads one movie; a missing id gives ErrNotFound.
func (c *Client) Movie(ctx context.Context, id int64) (Movie, error) {
	op := "GET " + apiPrefix + "/movie/{id}"
	if err := c.requireKind(op, domain.KindRadarr); err != nil {
		return Movie{}, err
	}
	if id <= 0 {
		return Movie{}, invalidf(op, "movie id %d must be positive", id)
	}
	return getOne[Movie](ctx, c, "/movie/"+strconv.FormatInt(id, 10), nil)
}

// Calendar lists the episodes (with their series) or movies released
// between start and end, normalized. Unmonitored items are included only
// when unmonitored is true.
func (c *Client) Calendar(ctx context.Context, start, end time.Time, unmonitored bool) ([]domain.Item, error) {
	op := "GET " + apiPrefix + "/calendar"
	if end.Before(start) {
		return nil, invalidf(op, "end %s is before start %s", formatTime(end), formatTime(start))
	}
	v := url.Values{}
	v.Set("start", formatTime(start))
	v.Set("end", formatTime(end))
	v.Set("unmonitored", strconv.FormatBool(unmonitored))
	var items []domain.Item
	if c.kind == domain.KindSonarr {
		v.Set("includeSeries", "true")
		err := c.get(ctx, "/calendar", v, func(r io.Reader) error {
			items = items[:0]
			return streamArray(r, func(e *Episode) error {
				items = append(items, e.Item())
				return nil
			})
		})
		return items, err
	}
	err := c.get(ctx, "/calendar", v, func(r io.Reader) error {
		items = items[:0]
		return streamArray(r, func(m *Movie) error {
			items = append(items, m.Item())
			return nil
		})
	})
	return items, err
}

// Tags lists the instance's tags.
func (c *Client) Tags(ctx context.Context) ([]Tag, error) {
	return getList[Tag](ctx, c, "/tag", nil)
}

// QualityProfiles lists the instance's quality profiles.
func (c *Client) QualityProfiles(ctx context.Context) ([]QualityProfile, error) {
	return getList[QualityProfile](ctx, c, "/qualityprofile", nil)
}
