package custom_test

import (
	"fmt"
	"testing"

	"github.com/vibequality/searcharr/plugins/custom"
	"github.com/vibequality/searcharr/plugins/internal/testlib"
	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/sdktest"
)

// BenchmarkPlan plans over a 100,000-episode library with 30,000 missing,
// through real gRPC and the fake library: every missing item is evaluated
// against the filter and the priority.
func BenchmarkPlan(b *testing.B) {
	data := sdktest.LibraryData{Items: testlib.BigSonarr(testlib.BenchEpisodes, testlib.BenchWanted)}
	config := `{"filter":"days_since_aired > 1 && episode % 2 == 0","priority":"search_count == 0 ? 1000 : days_since_last_searched"}`
	for _, budget := range []int{50, 1000} {
		b.Run(fmt.Sprintf("filter+priority/budget=%d", budget), func(b *testing.B) {
			testlib.BenchPlan(b, custom.New(), data, sdk.Sonarr, config, sdk.Budget{MaxCost: budget})
		})
	}
}
