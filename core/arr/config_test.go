package arr_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/domain"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func TestConfigValidate(t *testing.T) {
	ok := arr.Config{Kind: domain.KindSonarr, URL: "http://localhost:8989", APIKey: testKey}
	tests := []struct {
		name  string
		mod   func(*arr.Config)
		field string // "" = valid
	}{
		{"valid", func(*arr.Config) {}, ""},
		{"url base", func(c *arr.Config) { c.URL = "https://host/sonarr/" }, ""},
		{"kind", func(c *arr.Config) { c.Kind = "lidarr" }, "Kind"},
		{"empty url", func(c *arr.Config) { c.URL = "" }, "URL"},
		{"scheme", func(c *arr.Config) { c.URL = "localhost:8989" }, "URL"},
		{"no host", func(c *arr.Config) { c.URL = "http:///sonarr" }, "URL"},
		{"key in url", func(c *arr.Config) { c.URL = "http://host/?apikey=" + testKey }, "URL"},
		{"empty key", func(c *arr.Config) { c.APIKey = " " }, "APIKey"},
		{"key with newline", func(c *arr.Config) { c.APIKey = "abc\ndef" }, "APIKey"},
		{"negative timeout", func(c *arr.Config) { c.Timeout = -time.Second }, "Timeout"},
		{"too many retries", func(c *arr.Config) { c.MaxRetries = 50 }, "MaxRetries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.mod(&cfg)
			err := cfg.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				if _, err := arr.New(cfg); err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), "config "+tt.field) {
				t.Fatalf("err = %v, want one naming %s", err, tt.field)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("error %q contains the key", err)
			}
		})
	}
}

func TestURLBase(t *testing.T) {
	for _, u := range []string{"http://h:8989/sonarr", "http://h:8989/sonarr/", "http://h:8989/sonarr/api/v3"} {
		c, err := arr.New(arr.Config{Kind: domain.KindSonarr, URL: u, APIKey: testKey})
		if err != nil || c.URL() != "http://h:8989/sonarr" {
			t.Errorf("%s: URL() = %v, %v", u, c.URL(), err)
		}
	}
}

func TestParseTime(t *testing.T) {
	want := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2024-06-01T12:00:00Z", want},
		{"2024-06-01T12:00:00.1234567Z", want.Add(123456700)},
		{"2024-06-01T14:00:00+02:00", want},
		{"2024-06-01T12:00:00", want},
		{"2024-06-01", time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		var v struct{ T arr.Time }
		if err := json.Unmarshal([]byte(`{"T":"`+tt.in+`"}`), &v); err != nil || !v.T.Equal(tt.want) || v.T.Location() != time.UTC {
			t.Errorf("%s: %v, %v", tt.in, v.T, err)
		}
	}
	var v struct{ T arr.Time }
	if err := json.Unmarshal([]byte(`{"T":null}`), &v); err != nil || v.T.Ptr() != nil {
		t.Errorf("null: %v %v", v.T, err)
	}
	if err := json.Unmarshal([]byte(`{"T":"yesterday"}`), &v); err == nil {
		t.Error("yesterday parsed")
	}
	for in, want := range map[string]time.Duration{"00:00:07.6543210": 7654321000, "1.02:03:04": 26*time.Hour + 3*time.Minute + 4*time.Second, "-00:01:00": -time.Minute} {
		if d, err := arr.ParseTimeSpan(in); err != nil || d != want {
			t.Errorf("%s = %v, %v; want %v", in, d, err, want)
		}
	}
}

func TestCommandValidation(t *testing.T) {
	f := newFakeApp(t, domain.KindSonarr, "")
	c := f.client(t)
	for _, cmd := range []domain.Command{
		{Name: "RssSync"},
		{Name: domain.CmdEpisodeSearch},
		{Name: domain.CmdEpisodeSearch, EpisodeIDs: []int64{0}},
		{Name: domain.CmdSeasonSearch, SeriesID: 1, SeasonNumber: -1},
		{Name: domain.CmdSeriesSearch},
	} {
		if _, err := c.SendCommand(t.Context(), cmd); !errors.Is(err, arr.ErrInvalid) {
			t.Errorf("%+v: err = %v, want invalid", cmd, err)
		}
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d invalid commands were sent", n)
	}
	// 200 is accepted as well as 201.
	f.routes["POST /command"] = func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, example(t, "sonarr-command-EpisodeSearch-201.json"))
	}
	st, err := c.SendCommand(t.Context(), domain.Command{Name: domain.CmdSeasonSearch, SeriesID: 12, SeasonNumber: 0})
	if err != nil || st.ID != 1201 {
		t.Fatalf("200 answer: %+v, %v", st, err)
	}
	var body map[string]any
	_ = json.Unmarshal(f.requests()[0].Body, &body)
	if body["name"] != "SeasonSearch" || body["seriesId"] != float64(12) || body["seasonNumber"] != float64(0) {
		t.Errorf("body = %v", body)
	}
}
