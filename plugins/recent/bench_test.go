package recent_test

import (
	"fmt"
	"testing"

	"github.com/vibequality/searcharr/plugins/internal/testlib"
	"github.com/vibequality/searcharr/plugins/recent"
	"github.com/vibequality/searcharr/sdk"
	"github.com/vibequality/searcharr/sdk/sdktest"
)

// BenchmarkPlan plans over a 100,000-episode library with 30,000 missing,
// aired an hour apart, through real gRPC and the fake library; the 90-day
// window holds 2,160 episodes, 648 of them missing.
func BenchmarkPlan(b *testing.B) {
	data := sdktest.LibraryData{Items: testlib.BigSonarr(testlib.BenchEpisodes, testlib.BenchWanted)}
	for _, budget := range []int{50, 1000} {
		b.Run(fmt.Sprintf("window=90d/budget=%d", budget), func(b *testing.B) {
			testlib.BenchPlan(b, recent.New(), data, sdk.Sonarr, `{"window_days":90}`, sdk.Budget{MaxCost: budget})
		})
	}
}
