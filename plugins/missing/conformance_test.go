package missing_test

import (
	"encoding/json"
	"testing"

	"github.com/vibequality/searcharr/plugins/missing"
	"github.com/vibequality/searcharr/sdk/sdktest"
)

func TestConformance(t *testing.T) {
	sdktest.Conformance(t, missing.New(), sdktest.Options{
		ValidConfigs: []json.RawMessage{
			json.RawMessage(`{}`),
			json.RawMessage(`{"order":"newest_aired","page_size":3}`),
			json.RawMessage(`{"order":"least_recently_searched","grace_hours":48,"include_unmonitored":true}`),
			json.RawMessage(`{"page_size":7,"max_pages":2}`),
			json.RawMessage(`{"order":"random","seed":3}`),
			json.RawMessage(`{"order":"recently_added","include_unavailable":true}`),
			json.RawMessage(`{"grouping":"season","season_min_episodes":2}`),
			json.RawMessage(`{"grouping":"series","page_size":5}`),
		},
		InvalidConfigs: []sdktest.InvalidConfig{
			{Config: json.RawMessage(`[]`), Path: ""},
			{Config: json.RawMessage(`{"orderr":"oldest_aired"}`), Path: "orderr"},
			{Config: json.RawMessage(`{"order":"random_ish"}`), Path: "order"},
			{Config: json.RawMessage(`{"order":3}`), Path: "order"},
			{Config: json.RawMessage(`{"page_size":0}`), Path: "page_size"},
			{Config: json.RawMessage(`{"page_size":2001}`), Path: "page_size"},
			{Config: json.RawMessage(`{"page_size":"big"}`), Path: "page_size"},
			{Config: json.RawMessage(`{"grace_hours":-1}`), Path: "grace_hours"},
			{Config: json.RawMessage(`{"include_unmonitored":"yes"}`), Path: "include_unmonitored"},
			{Config: json.RawMessage(`{"max_pages":0}`), Path: "max_pages"},
			{Config: json.RawMessage(`{"grouping":"pack"}`), Path: "grouping"},
			{Config: json.RawMessage(`{"season_min_percent":101}`), Path: "season_min_percent"},
			{Config: json.RawMessage(`{"seed":1.5}`), Path: "seed"},
		},
	})
}
