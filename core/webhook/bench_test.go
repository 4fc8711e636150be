package webhook

import (
	"context"
	"fmt"
	"testing"

	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"sonarr-Grab.json", "sonarr-Download-importcomplete.json", "radarr-Download.json"} {
		body := readContract(b, name)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkProcessGrab stores and processes one Grab per iteration on
// SQLite: the inbox insert, the outcome transaction and the mark.
func BenchmarkProcessGrab(b *testing.B) {
	st := storetest.Open(b, store.DialectSQLite)
	h := newProcHarness(b, st, nil)
	tmpl := string(readContract(b, "sonarr-Grab.json"))
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		body := []byte(fmt.Sprintf(`{"eventType":"Grab","episodes":[{"id":%d}],"downloadId":"bench-%d","x":%q}`, i, i, tmpl[:64]))
		id := h.deliver(b, body)
		if err := h.proc.Process(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}
