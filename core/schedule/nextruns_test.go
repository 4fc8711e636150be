package schedule

import (
	"errors"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

func TestNextRuns(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	from := time.Date(2025, 6, 10, 12, 0, 0, 0, berlin) // a Tuesday
	weekly := domain.Schedule{Kind: domain.ScheduleWeekly, At: "02:30", Weekdays: []time.Weekday{time.Monday, time.Thursday}, TimeZone: "Europe/Berlin"}
	got, err := NextRuns(recurring(60), weekly, from, 5)
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Time{
		time.Date(2025, 6, 12, 2, 30, 0, 0, berlin), time.Date(2025, 6, 16, 2, 30, 0, 0, berlin),
		time.Date(2025, 6, 19, 2, 30, 0, 0, berlin), time.Date(2025, 6, 23, 2, 30, 0, 0, berlin),
		time.Date(2025, 6, 26, 2, 30, 0, 0, berlin),
	}
	if len(got) != len(want) {
		t.Fatalf("next runs = %v, want %v", got, want)
	}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Fatalf("next runs = %v, want %v", got, want)
		}
	}

	// The same runs the scheduler walks through, windows included.
	hourly := domain.Schedule{TimeZone: "Europe/Berlin", Windows: []domain.TimeWindow{{Start: "22:00", End: "06:00"}}}
	got, err = NextRuns(recurring(60), hourly, from, 10)
	if err != nil {
		t.Fatal(err)
	}
	walked := slots(t, mustCompile(t, recurring(60), hourly), from, 10)
	for i := range walked {
		if !got[i].Equal(walked[i]) {
			t.Fatalf("next runs %v, scheduler slots %v", got, walked)
		}
	}

	if got, err := NextRuns(domain.Queue{ID: 1}, domain.Schedule{}, from, 5); err != nil || len(got) != 0 {
		t.Fatalf("one-time queue: %v, %v; want no runs", got, err)
	}
	_, err = NextRuns(recurring(60), domain.Schedule{Kind: domain.ScheduleCron, Cron: "61 * * * *"}, from, 5)
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Path() != "cron" {
		t.Fatalf("bad cron: %v, want a field error on cron", err)
	}
}
