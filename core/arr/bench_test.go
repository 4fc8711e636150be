package arr_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vibequality/searcharr/core/arr"
	"github.com/vibequality/searcharr/core/domain"
)

// bigPage builds a wanted page of n records from the example's first
// record, with distinct ids.
func bigPage(b *testing.B, exampleName string, n int) []byte {
	b.Helper()
	rec := records(b, example(b, exampleName))[0]
	var m map[string]any
	if err := json.Unmarshal(rec, &m); err != nil {
		b.Fatal(err)
	}
	recs := make([]map[string]any, n)
	for i := range recs {
		c := make(map[string]any, len(m))
		for k, v := range m {
			c[k] = v
		}
		c["id"] = i + 1
		recs[i] = c
	}
	return mustJSON(b, map[string]any{"page": 1, "pageSize": n, "sortKey": "x", "sortDirection": "ascending", "totalRecords": n, "records": recs})
}

// BenchmarkDecodeWantedPage1000 decodes a 1,000-record wanted/missing page
// (Sonarr with includeSeries, and Radarr) through the client, streaming.
func BenchmarkDecodeWantedPage1000(b *testing.B) {
	for _, tc := range []struct {
		kind    domain.InstanceKind
		example string
	}{
		{domain.KindSonarr, "sonarr-wanted-missing.json"},
		{domain.KindRadarr, "radarr-wanted-missing.json"},
	} {
		b.Run(string(tc.kind), func(b *testing.B) {
			page := bigPage(b, tc.example, 1000)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 200, page)
			}))
			defer srv.Close()
			c := newClient(b, tc.kind, srv.URL, nil)
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				n := 0
				_, err := c.Wanted(context.Background(), arr.ListMissing, arr.WantedQuery{PageSize: 1000}, func(domain.Item) error {
					n++
					return nil
				})
				if err != nil || n != 1000 {
					b.Fatalf("n=%d err=%v", n, err)
				}
			}
		})
	}
}

// BenchmarkDecodeWantedPage1000Bytes measures the decoding alone, from
// memory, without HTTP.
func BenchmarkDecodeWantedPage1000Bytes(b *testing.B) {
	for _, tc := range []struct {
		kind    domain.InstanceKind
		example string
	}{
		{domain.KindSonarr, "sonarr-wanted-missing.json"},
		{domain.KindRadarr, "radarr-wanted-missing.json"},
	} {
		b.Run(string(tc.kind), func(b *testing.B) {
			page := bigPage(b, tc.example, 1000)
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				if _, err := arr.DecodeWantedPage(tc.kind, false, bytes.NewReader(page), func(domain.Item) error { n++; return nil }); err != nil || n != 1000 {
					b.Fatalf("n=%d err=%v", n, err)
				}
			}
		})
	}
}
