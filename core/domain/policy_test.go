package domain

import (
	"testing"
	"time"
)

func TestAdaptiveCooldown(t *testing.T) {
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }
	day := 24 * time.Hour
	for _, tc := range []struct {
		released *time.Time
		searches int
		want     time.Duration
	}{
		{at(time.Hour), 1, 3 * time.Hour},
		{at(3 * day), 1, 12 * time.Hour},
		{at(3 * day), 3, 48 * time.Hour},
		{at(20 * day), 0, day},
		{at(100 * day), 1, 3 * day},
		{at(1000 * day), 1, 7 * day},
		{nil, 2, 14 * day},
		{nil, 40, AdaptiveCooldownCap},
	} {
		if got := AdaptiveCooldown(tc.released, tc.searches, now); got != tc.want {
			t.Errorf("AdaptiveCooldown(%v, %d) = %v, want %v", tc.released, tc.searches, got, tc.want)
		}
	}
}

func TestParseReason(t *testing.T) {
	for _, tc := range []struct {
		in, detail string
		code       ReasonCode
	}{
		{"future: airs 2025-06-02", "airs 2025-06-02", ReasonFuture},
		{"cooldown:resting", "resting", ReasonCooldown},
		{"missing, aired 2019-01-01", "missing, aired 2019-01-01", ReasonFiltered},
		{"note: not a code", "note: not a code", ReasonFiltered},
	} {
		code, detail := ParseReason(tc.in, ReasonFiltered)
		if code != tc.code || detail != tc.detail {
			t.Errorf("ParseReason(%q) = %q, %q", tc.in, code, detail)
		}
	}
	var s SkipCounts
	for _, c := range ReasonCodes {
		s.Add(c, 1)
	}
	if s.Total() != len(ReasonCodes)-1 || s.Get(ReasonSearched) != 0 || s.Get("bogus") != 1 {
		t.Errorf("skip counts = %+v", s)
	}
}
