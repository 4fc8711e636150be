package schedule

import (
	"errors"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustCompile(t *testing.T, q domain.Queue, s domain.Schedule) spec {
	t.Helper()
	sp, err := compile(q, s)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return sp
}

// slots returns the first n slots after from.
func slots(t *testing.T, sp spec, from time.Time, n int) []time.Time {
	t.Helper()
	var out []time.Time
	at := from
	var anchor *time.Time
	for range n {
		slot, run, err := sp.next(1, at, anchor)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, run)
		at, anchor = run, &slot
	}
	return out
}

func recurring(minutes int) domain.Queue {
	return domain.Queue{ID: 1, Recurring: true, IntervalMinutes: minutes}
}

func TestIntervalSlotsAreFixedRateFromTheAnchor(t *testing.T) {
	sp := mustCompile(t, recurring(90), domain.Schedule{})
	anchor := time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		now  time.Time
		want time.Time
	}{
		{anchor, anchor.Add(90 * time.Minute)},
		{anchor.Add(time.Minute), anchor.Add(90 * time.Minute)},
		{anchor.Add(90 * time.Minute), anchor.Add(180 * time.Minute)},
		// Ten intervals late: one slot, the first after now.
		{anchor.Add(10*90*time.Minute + time.Second), anchor.Add(11 * 90 * time.Minute)},
	}
	for _, c := range cases {
		got, err := sp.slotAfter(c.now, &anchor)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("slotAfter(%s) = %s, %v; want %s", c.now, got, err, c.want)
		}
	}
}

func TestCronSlotsInTheQueueZone(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	sp := mustCompile(t, recurring(60), domain.Schedule{Kind: domain.ScheduleCron, Cron: "15 3 * * 1-5", TimeZone: "Europe/Berlin"})
	// Friday 2025-01-03 04:00 Berlin: next are Monday and Tuesday 03:15.
	got := slots(t, sp, time.Date(2025, 1, 3, 4, 0, 0, 0, berlin), 2)
	want := []time.Time{time.Date(2025, 1, 6, 3, 15, 0, 0, berlin), time.Date(2025, 1, 7, 3, 15, 0, 0, berlin)}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Errorf("slot %d = %s, want %s", i, got[i].In(berlin), want[i])
		}
	}
	desc := mustCompile(t, recurring(60), domain.Schedule{Kind: domain.ScheduleCron, Cron: "@daily"})
	if got := slots(t, desc, time.Date(2025, 1, 3, 4, 0, 0, 0, time.UTC), 1)[0]; !got.Equal(time.Date(2025, 1, 4, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("@daily slot = %s", got)
	}
}

// A 02:30 daily job in Berlin across both clock changes of 2025: the
// spring-forward day (30 March, 02:00 → 03:00) runs once at 03:30; the
// fall-back day (26 October, 03:00 → 02:00) runs once, at the first 02:30.
func TestDailyAcrossDaylightSavingChanges(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	for _, kind := range []domain.Schedule{
		{Kind: domain.ScheduleDaily, At: "02:30", TimeZone: "Europe/Berlin"},
		{Kind: domain.ScheduleCron, Cron: "30 2 * * *", TimeZone: "Europe/Berlin"},
	} {
		t.Run(string(kind.Kind), func(t *testing.T) {
			sp := mustCompile(t, recurring(60), kind)
			spring := slots(t, sp, time.Date(2025, 3, 28, 12, 0, 0, 0, berlin), 4)
			wantSpring := []time.Time{
				time.Date(2025, 3, 29, 1, 30, 0, 0, time.UTC), // 02:30 CET
				time.Date(2025, 3, 30, 1, 30, 0, 0, time.UTC), // 03:30 CEST, the gap's end
				time.Date(2025, 3, 31, 0, 30, 0, 0, time.UTC), // 02:30 CEST
				time.Date(2025, 4, 1, 0, 30, 0, 0, time.UTC),
			}
			for i := range wantSpring {
				if !spring[i].Equal(wantSpring[i]) {
					t.Errorf("spring slot %d = %s (%s), want %s", i, spring[i], spring[i].In(berlin), wantSpring[i])
				}
			}
			autumn := slots(t, sp, time.Date(2025, 10, 25, 12, 0, 0, 0, berlin), 3)
			wantAutumn := []time.Time{
				time.Date(2025, 10, 26, 0, 30, 0, 0, time.UTC), // 02:30 CEST, first of the two
				time.Date(2025, 10, 27, 1, 30, 0, 0, time.UTC), // 02:30 CET
				time.Date(2025, 10, 28, 1, 30, 0, 0, time.UTC),
			}
			for i := range wantAutumn {
				if !autumn[i].Equal(wantAutumn[i]) {
					t.Errorf("autumn slot %d = %s (%s), want %s", i, autumn[i], autumn[i].In(berlin), wantAutumn[i])
				}
			}
		})
	}
}

func TestWeeklySlots(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	sp := mustCompile(t, recurring(60), domain.Schedule{
		Kind: domain.ScheduleWeekly, At: "21:00", TimeZone: "America/New_York",
		Weekdays: []time.Weekday{time.Saturday, time.Wednesday},
	})
	// Saturday 2025-03-08 22:00 EST; clocks change Sunday 9 March.
	got := slots(t, sp, time.Date(2025, 3, 8, 22, 0, 0, 0, ny), 3)
	want := []time.Time{
		time.Date(2025, 3, 12, 21, 0, 0, 0, ny), // Wednesday, EDT
		time.Date(2025, 3, 15, 21, 0, 0, 0, ny), // Saturday
		time.Date(2025, 3, 19, 21, 0, 0, 0, ny),
	}
	for i := range want {
		if !got[i].Equal(want[i]) || got[i].In(ny).Hour() != 21 {
			t.Errorf("slot %d = %s, want %s", i, got[i].In(ny), want[i])
		}
	}
}

func TestWindowsAcrossMidnight(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	ws, err := compileWindows([]domain.TimeWindow{{Start: "22:00", End: "06:00"}})
	if err != nil {
		t.Fatal(err)
	}
	day := func(h, m int) time.Time { return time.Date(2025, 6, 10, h, m, 0, 0, berlin) }
	for _, c := range []struct {
		at   time.Time
		in   bool
		open time.Time
	}{
		{day(23, 0), true, day(23, 0)},
		{day(3, 0), true, day(3, 0)},
		{day(5, 59), true, day(5, 59)},
		{day(6, 0), false, day(22, 0)},
		{day(12, 0), false, day(22, 0)},
		{day(21, 59), false, day(22, 0)},
	} {
		if got := ws.contains(c.at, berlin); got != c.in {
			t.Errorf("contains(%s) = %v, want %v", c.at, got, c.in)
		}
		if got := ws.nextOpen(c.at, berlin); !got.Equal(c.open) {
			t.Errorf("nextOpen(%s) = %s, want %s", c.at, got, c.open)
		}
	}
	// An hourly queue restricted to the window runs 22:00 … 05:00 and
	// then waits for the evening.
	sp := mustCompile(t, recurring(60), domain.Schedule{TimeZone: "Europe/Berlin", Windows: []domain.TimeWindow{{Start: "22:00", End: "06:00"}}})
	got := slots(t, sp, day(12, 0), 10)
	for i, s := range got {
		h := s.In(berlin).Hour()
		if h >= 6 && h < 22 {
			t.Errorf("slot %d at %s is outside the window", i, s.In(berlin))
		}
	}
	if !got[0].Equal(day(22, 0)) || !got[8].Equal(time.Date(2025, 6, 11, 22, 0, 0, 0, berlin)) {
		t.Errorf("slots = %v", got)
	}
}

func TestJitterIsBoundedAndDeterministic(t *testing.T) {
	const max = 10 * time.Minute
	slot := time.Date(2025, 1, 1, 3, 0, 0, 0, time.UTC)
	seen := map[time.Duration]bool{}
	for q := int64(1); q <= 500; q++ {
		j := jitterFor(q, slot, max)
		if j < 0 || j > max {
			t.Fatalf("jitter %s out of [0, %s]", j, max)
		}
		if again := jitterFor(q, slot, max); again != j {
			t.Fatalf("jitter of queue %d changed: %s then %s", q, j, again)
		}
		seen[j] = true
	}
	if len(seen) < 100 {
		t.Errorf("only %d distinct delays over 500 queues", len(seen))
	}
	sp := mustCompile(t, recurring(60), domain.Schedule{JitterSeconds: 600})
	s, run, err := sp.next(7, slot, &slot)
	if err != nil || run.Before(s) || run.Sub(s) > max {
		t.Errorf("next = %s, %s, %v", s, run, err)
	}
}

func TestValidateNamesTheField(t *testing.T) {
	cases := []struct {
		q     domain.Queue
		s     domain.Schedule
		field string
	}{
		{recurring(60), domain.Schedule{Kind: "hourly"}, "kind"},
		{recurring(0), domain.Schedule{}, "interval_minutes"},
		{recurring(60), domain.Schedule{Kind: domain.ScheduleCron}, "cron"},
		{recurring(60), domain.Schedule{Kind: domain.ScheduleCron, Cron: "61 * * * *"}, "cron"},
		{recurring(60), domain.Schedule{Kind: domain.ScheduleCron, Cron: "CRON_TZ=UTC 0 * * * *"}, "cron"},
		{recurring(60), domain.Schedule{Kind: domain.ScheduleDaily, At: "25:00"}, "at"},
		{recurring(60), domain.Schedule{Kind: domain.ScheduleDaily, At: "3:00"}, "at"},
		{recurring(60), domain.Schedule{Kind: domain.ScheduleWeekly, At: "03:00"}, "weekdays"},
		{recurring(60), domain.Schedule{Kind: domain.ScheduleWeekly, At: "03:00", Weekdays: []time.Weekday{7}}, "weekdays[0]"},
		{recurring(60), domain.Schedule{TimeZone: "Mars/Olympus"}, "time_zone"},
		{recurring(60), domain.Schedule{Windows: []domain.TimeWindow{{Start: "22:00", End: "22:00"}}}, "windows[0].end"},
		{recurring(60), domain.Schedule{Windows: []domain.TimeWindow{{Start: "x", End: "06:00"}}}, "windows[0].start"},
		{recurring(60), domain.Schedule{JitterSeconds: -1}, "jitter_seconds"},
		{recurring(60), domain.Schedule{MisfireGraceSeconds: 90000}, "misfire_grace_seconds"},
	}
	for _, c := range cases {
		err := Validate(c.q, c.s)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != c.field || !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("Validate(%+v) = %v, want a field error on %s", c.s, err, c.field)
		}
	}
	if err := Validate(domain.Queue{}, domain.Schedule{Kind: domain.ScheduleOnce}); err != nil {
		t.Errorf("a one-time queue: %v", err)
	}
}

func TestDecideMisfire(t *testing.T) {
	q := recurring(60)
	sp := mustCompile(t, q, domain.Schedule{})
	due := time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)
	sc := domain.Schedule{NextRun: &due, NextSlot: &due}
	for _, c := range []struct {
		late time.Duration
		fire bool
		next time.Time
	}{
		{0, true, due.Add(time.Hour)},
		{5 * time.Minute, true, due.Add(time.Hour)},
		{5*time.Minute + time.Second, false, due.Add(time.Hour)},
		// Ten slots missed: the latest is a minute late, so it runs once.
		{10*time.Hour + time.Minute, true, due.Add(11 * time.Hour)},
		{10*time.Hour + 6*time.Minute, false, due.Add(11 * time.Hour)},
	} {
		d, err := decide(sp, q, sc, due.Add(c.late))
		if err != nil || d.fire != c.fire || d.next == nil || !d.next.Equal(c.next) {
			t.Errorf("late %s: fire=%v next=%v err=%v; want fire=%v next=%s", c.late, d.fire, d.next, err, c.fire, c.next)
		}
	}
	once := domain.Queue{ID: 2}
	d, err := decide(mustCompile(t, once, domain.Schedule{}), once, sc, due.Add(48*time.Hour))
	if err != nil || !d.fire || d.next != nil {
		t.Errorf("a late one-time queue: %+v, %v; want it to run once", d, err)
	}
}

// An every-quarter-hour cron job does not run the repeated hour twice when
// clocks fall back, and keeps running through the spring gap.
func TestCronQuarterHoursAcrossClockChanges(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	sp := mustCompile(t, recurring(60), domain.Schedule{Kind: domain.ScheduleCron, Cron: "*/15 * * * *", TimeZone: "Europe/Berlin"})
	autumn := slots(t, sp, time.Date(2025, 10, 26, 1, 50, 0, 0, berlin), 12)
	for i := 1; i < len(autumn); i++ {
		if !autumn[i].After(autumn[i-1]) {
			t.Fatalf("slots not increasing: %v", autumn)
		}
		a, b := autumn[i-1].In(berlin), autumn[i].In(berlin)
		if a.Hour() == b.Hour() && a.Minute() == b.Minute() {
			t.Fatalf("wall time %s ran twice", b.Format("15:04"))
		}
	}
	spring := slots(t, sp, time.Date(2025, 3, 30, 1, 50, 0, 0, berlin), 3)
	want := time.Date(2025, 3, 30, 1, 0, 0, 0, time.UTC) // 03:00 CEST
	if !spring[0].Equal(want) || !spring[1].Equal(want.Add(15*time.Minute)) {
		t.Fatalf("spring slots = %v", spring)
	}
}
