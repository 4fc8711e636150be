package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// nextRunsShown is how many run times a schedule check answers.
const nextRunsShown = 5

type scheduleCheckInput struct {
	// QueueID, when given, is the queue the schedule is meant for: its
	// interval fills a missing interval_minutes and its jitter is the one
	// shown.
	QueueID int64 `query:"queue_id" minimum:"0" doc:"The user's queue the schedule is for, if it exists: its interval is used when interval_minutes is 0, and its jitter is applied"`
	Body    scheduleBody
}

type scheduleCheckOutput struct {
	Body struct {
		Valid    bool        `json:"valid" doc:"Always true: a schedule that is not valid is answered 422 naming the setting at fault"`
		TimeZone string      `json:"time_zone" doc:"The zone the times are computed in"`
		NextRuns []time.Time `json:"next_runs" doc:"The next five run times (fewer if the schedule has no more; none for a one-time queue, which runs when started)"`
	}
}

func (s *Server) scheduleCheckRoute() {
	op := operation(http.MethodPost, "/api/validate/schedule", "validate-schedule", "search-queues",
		"Check a schedule without saving it and answer its next five runs", 0)
	op.Description = "Takes the body of PUT /api/search-queues/{id}/schedule (and optionally the queue it is for) and answers " +
		"when a queue on that schedule would run next, computed exactly as the scheduler does (windows and jitter " +
		"included). Settings that are not valid get a 422 naming the field, like the PUT. Nothing is stored."
	op.Errors = []int{http.StatusNotFound, http.StatusUnprocessableEntity}
	handle(s, op, s.checkSchedule)
}

func (s *Server) checkSchedule(ctx context.Context, in *scheduleCheckInput) (*scheduleCheckOutput, error) {
	var q domain.Queue
	if in.QueueID > 0 {
		owned, err := s.ownedQueue(ctx, in.QueueID)
		if err != nil {
			return nil, err
		}
		q = owned
	}
	want, sc := in.Body.apply(q)
	runs, err := s.deps.Schedules.NextRuns(want, sc, nextRunsShown)
	if err != nil {
		if p := scheduleProblem(err); p != err {
			return nil, p
		}
		return nil, s.fail(ctx, err, fmt.Sprintf("schedule of search queue %d", q.ID))
	}
	out := &scheduleCheckOutput{}
	out.Body.Valid = true
	out.Body.TimeZone = sc.TimeZone
	if out.Body.TimeZone == "" {
		out.Body.TimeZone = "UTC"
	}
	out.Body.NextRuns = runs
	if out.Body.NextRuns == nil {
		out.Body.NextRuns = []time.Time{}
	}
	return out, nil
}
