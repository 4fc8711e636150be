package missing_test

import (
	"fmt"
	"testing"

	"github.com/vibequality/searcharr/plugins/internal/testlib"
	"github.com/vibequality/searcharr/plugins/missing"
	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/sdktest"
)

// BenchmarkPlan plans over a 100,000-episode library with 30,000 missing
// and its season statistics, through real gRPC and the fake library, for each kind of order and
// grouping and budgets of 50 and 1000 indexer searches.
func BenchmarkPlan(b *testing.B) {
	items := testlib.BigSonarr(testlib.BenchEpisodes, testlib.BenchWanted)
	data := sdktest.LibraryData{Items: items, Series: testlib.SeriesStats(items, testlib.Now)}
	for _, config := range []string{
		`{}`,
		`{"order":"least_recently_searched"}`,
		`{"order":"random"}`,
		`{"grouping":"season"}`,
	} {
		for _, budget := range []int{50, 1000} {
			b.Run(fmt.Sprintf("config=%s/budget=%d", config, budget), func(b *testing.B) {
				testlib.BenchPlan(b, missing.New(), data, sdk.Sonarr, config, sdk.Budget{MaxCost: budget})
			})
		}
	}
}

// BenchmarkPlanRoundTrip is one Plan over real gRPC in which every wanted
// item is a candidate and is searched: 1,000 and 10,000 candidates read
// through the Library, one intent and one decision each back to the host.
func BenchmarkPlanRoundTrip(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("candidates=%d", n), func(b *testing.B) {
			data := sdktest.LibraryData{Items: testlib.BigSonarr(n, n)}
			testlib.BenchPlan(b, missing.New(), data, sdk.Sonarr, `{"page_size":2000,"max_pages":100}`, sdk.Budget{MaxCost: n})
		})
	}
}
