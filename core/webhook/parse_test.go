package webhook

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibequality/searcharr/core/domain"
)

const contracts = "../../testdata/arr-contracts/webhooks"

func readContract(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(contracts, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Every payload of both apps parses into its event, with the items and
// fields Searcharr acts on.
func TestParseEveryContractPayload(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(contracts, "*.json"))
	if err != nil || len(files) < 25 {
		t.Fatalf("found %d payloads (%v), want every event of both apps", len(files), err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			ev, err := Parse(readContract(t, name))
			if err != nil {
				t.Fatal(err)
			}
			app, rest, _ := strings.Cut(strings.TrimSuffix(name, ".json"), "-")
			typ, _, _ := strings.Cut(rest, "-")
			if string(ev.Type) != typ || !ev.Type.Known() {
				t.Fatalf("type = %q, want %q", ev.Type, typ)
			}
			if ev.InstanceName == "" {
				t.Fatal("instanceName missing")
			}
			if ev.Raw["eventType"] != typ {
				t.Fatalf("raw eventType = %v", ev.Raw["eventType"])
			}
			items := ev.Items()
			switch ev.Type {
			case domain.HookGrab, domain.HookDownload, domain.HookEpisodeFileDelete, domain.HookManualInteractionRequired, domain.HookTest:
				if len(items) == 0 {
					t.Fatalf("%s names no item", name)
				}
				want := domain.ItemEpisode
				if app == "radarr" {
					want = domain.ItemMovie
				}
				for _, k := range items {
					if k.Type != want || k.ID <= 0 {
						t.Fatalf("item %v, want a %s", k, want)
					}
				}
				if kind := map[string]domain.InstanceKind{"sonarr": domain.KindSonarr, "radarr": domain.KindRadarr}[app]; ev.App() != kind {
					t.Fatalf("app = %q, want %q", ev.App(), kind)
				}
			case domain.HookHealth, domain.HookHealthRestored:
				if ev.Level == "" || ev.Message == "" || ev.CheckType == "" {
					t.Fatalf("health fields missing: %+v", ev)
				}
			}
			if ev.Type == domain.HookGrab && (ev.DownloadID == "" || ev.Release == nil || ev.Release.ReleaseTitle == "") {
				t.Fatalf("grab without download id or release: %+v", ev)
			}
			if ev.Type == domain.HookEpisodeFileDelete && (ev.DeleteReason == "" || ev.EpisodeFile == nil) {
				t.Fatalf("file delete without reason or file: %+v", ev)
			}
		})
	}
}

// Sonarr's two Download payloads are told apart.
func TestParseDownloadShapes(t *testing.T) {
	for name, want := range map[string]DownloadShape{
		"sonarr-Download.json":                DownloadPerFile,
		"sonarr-Download-upgrade.json":        DownloadPerFile,
		"sonarr-Download-importcomplete.json": DownloadImportComplete,
		"radarr-Download.json":                DownloadPerFile,
	} {
		ev, err := Parse(readContract(t, name))
		if err != nil {
			t.Fatal(err)
		}
		if ev.Shape != want {
			t.Fatalf("%s: shape %q, want %q", name, ev.Shape, want)
		}
		if want == DownloadImportComplete && (len(ev.EpisodeFiles) == 0 || ev.EpisodeFile != nil) {
			t.Fatalf("%s: files %+v / %+v", name, ev.EpisodeFiles, ev.EpisodeFile)
		}
		if name == "sonarr-Download-upgrade.json" && !ev.IsUpgrade {
			t.Fatalf("%s: not an upgrade", name)
		}
	}
}

// Sonarr v3 sent only eventType and thinner objects.
func TestParseSonarrV3(t *testing.T) {
	body := `{"eventType":"Grab","series":{"id":3,"title":"Show","path":"/tv/Show","tvdbId":7,"tvMazeId":0,"imdbId":"tt1","type":"standard"},
	"episodes":[{"id":31,"episodeNumber":1,"seasonNumber":2,"title":"Pilot","airDate":"2020-01-01","airDateUtc":"2020-01-01T01:00:00Z"}],
	"release":{"quality":"HDTV-720p","qualityVersion":1,"releaseTitle":"Show.S02E01","indexer":"idx","size":123},
	"downloadClient":"Sab","downloadId":"abc"}`
	ev, err := Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Type != domain.HookGrab || ev.InstanceName != "" || ev.DownloadID != "abc" || len(ev.Items()) != 1 || ev.Items()[0].ID != 31 {
		t.Fatalf("v3 grab = %+v", ev)
	}
	if ev.Title() != "Show S02E01" {
		t.Fatalf("title = %q", ev.Title())
	}
	ev, err = Parse([]byte(`{"eventType":"Health","level":"warning","message":"Indexers unavailable","type":"IndexerStatusCheck","wikiUrl":"x"}`))
	if err != nil || !ev.IndexerTrouble() {
		t.Fatalf("v3 health = %+v, %v", ev, err)
	}
}

func TestParseRefusesMalformedBodies(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{``, "empty body"},
		{`{`, "invalid JSON"},
		{`{"eventType":"Grab",}`, "invalid JSON"},
		{`[]`, "want a JSON"},
		{`null`, "JSON object"},
		{`"Grab"`, "want a JSON"},
		{`{"eventType":""}`, "eventType"},
		{`{"eventType":5}`, "eventType"},
		{`{"series":{}}`, "eventType"},
		{`{"eventType":"Grab","episodes":"1"}`, "episodes"},
		{`{"eventType":"Grab","episodes":[{"id":"x"}]}`, "episodes.id"},
		{`{"eventType":"Test"} {"eventType":"Test"}`, "trailing"},
	} {
		_, err := Parse([]byte(tc.body))
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want ErrMalformed mentioning %q", tc.body, err, tc.want)
		}
	}
}

// Unknown event types parse with their raw body, for storing and for
// subscription conditions.
func TestParseUnknownEventType(t *testing.T) {
	ev, err := Parse([]byte(`{"eventType":"SomethingNew","episodes":"whatever"}`))
	if err != nil || ev.Type != "SomethingNew" || ev.Type.Known() || ev.Raw["episodes"] != "whatever" || ev.Items() != nil {
		t.Fatalf("unknown = %+v, %v", ev, err)
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(contracts, "*.json"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"eventType":"Grab","episodes":[{"id":-1},{"id":0}],"movie":{"id":-5}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := Parse(body)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if ev.Type == "" || ev.Raw == nil {
			t.Fatalf("parsed without a type or raw body: %+v", ev)
		}
		seen := map[domain.ItemKey]bool{}
		for _, k := range ev.Items() {
			if k.ID <= 0 || seen[k] {
				t.Fatalf("item %v invalid or repeated", k)
			}
			seen[k] = true
		}
		_ = ev.Title()
		_ = ev.App()
		if ev.Type == domain.HookDownload && ev.Shape == "" {
			t.Fatal("a Download without a shape")
		}
	})
}
