package cutoff_test

import (
	"fmt"
	"testing"

	"github.com/vibequality/searcharr/plugins/cutoff"
	"github.com/vibequality/searcharr/plugins/internal/testlib"
	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/sdktest"
)

// BenchmarkPlan plans over a 100,000-episode library with 30,000 below the
// quality cutoff (and every file 10 points below the profile's cutoff
// format score), through real gRPC and the fake library.
func BenchmarkPlan(b *testing.B) {
	items := testlib.BigSonarr(testlib.BenchEpisodes, testlib.BenchWanted)
	for i := range items {
		items[i].CutoffNotMet = !items[i].HasFile
		items[i].HasFile = true
		items[i].CustomFormatScore = 90
	}
	series := make([]sdk.Series, testlib.BenchEpisodes/10)
	for i := range series {
		series[i] = sdk.Series{ID: int64(i + 1), Monitored: true, QualityProfileID: 1}
	}
	data := sdktest.LibraryData{Items: items, Series: series[:100], // custom formats: 100 series' episodes
		QualityProfiles: []sdk.QualityProfile{{ID: 1, Name: "HD", UpgradeAllowed: true, CutoffFormatScore: 100}}}
	for _, config := range []string{`{}`, `{"include_custom_format_below_cutoff":true}`} {
		for _, budget := range []int{50, 1000} {
			b.Run(fmt.Sprintf("config=%s/budget=%d", config, budget), func(b *testing.B) {
				testlib.BenchPlan(b, cutoff.New(), data, sdk.Sonarr, config, sdk.Budget{MaxCost: budget})
			})
		}
	}
}
