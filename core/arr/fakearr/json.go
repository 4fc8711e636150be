package fakearr

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// apiTime is a REST API date: UTC, no fractional seconds, left out when
// zero (tag it omitzero).
type apiTime int64

// at converts unix seconds (0 for none) to an apiTime.
func at(sec int64) apiTime { return apiTime(sec) }

// IsZero reports an absent date.
func (t apiTime) IsZero() bool { return t == 0 }

// MarshalJSON writes yyyy-MM-ddTHH:mm:ssZ.
func (t apiTime) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 22)
	b = append(b, '"')
	b = time.Unix(int64(t), 0).UTC().AppendFormat(b, "2006-01-02T15:04:05Z")
	return append(b, '"'), nil
}

// apiTimeOf converts a time.Time, keeping the zero time absent.
func apiTimeOf(t time.Time) apiTime {
	if t.IsZero() {
		return 0
	}
	return apiTime(t.Unix())
}

// hookTime is a webhook date: Newtonsoft's ISO form with up to seven
// fractional digits.
type hookTime time.Time

// IsZero reports an absent date.
func (t hookTime) IsZero() bool { return time.Time(t).IsZero() }

// MarshalJSON writes yyyy-MM-ddTHH:mm:ss.FFFFFFFZ.
func (t hookTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format("2006-01-02T15:04:05.9999999Z07:00") + `"`), nil
}

// timeSpan formats a duration like .NET's TimeSpan: hh:mm:ss.fffffff.
func timeSpan(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	h := int64(d / time.Hour)
	m := int64(d/time.Minute) % 60
	s := int64(d/time.Second) % 60
	ticks := int64(d%time.Second) / 100
	out := fmt.Sprintf("%02d:%02d:%02d", h, m, s)
	if ticks != 0 {
		out += fmt.Sprintf(".%07d", ticks)
	}
	return out
}

// airDate renders unix seconds as the yyyy-MM-dd airDate string.
func airDate(sec int64) string {
	if sec == 0 {
		return ""
	}
	return time.Unix(sec, 0).UTC().Format("2006-01-02")
}

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	bw := bufio.NewWriterSize(w, 32<<10)
	_ = json.NewEncoder(bw).Encode(v)
	_ = bw.Flush()
}

// pagingHead is the envelope of a paged list; records follow it.
type pagingHead struct {
	Page          int
	PageSize      int
	SortKey       string
	SortDirection string
	TotalRecords  int
}

// writePage streams a paged list: the envelope, then the records one by one,
// so a large page is never held as one buffer.
func writePage[T any](w http.ResponseWriter, head pagingHead, records []T) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(`{"page":`)
	bw.WriteString(strconv.Itoa(head.Page))
	bw.WriteString(`,"pageSize":`)
	bw.WriteString(strconv.Itoa(head.PageSize))
	bw.WriteString(`,"sortKey":`)
	k, _ := json.Marshal(head.SortKey)
	bw.Write(k)
	bw.WriteString(`,"sortDirection":"`)
	bw.WriteString(head.SortDirection)
	bw.WriteString(`","totalRecords":`)
	bw.WriteString(strconv.Itoa(head.TotalRecords))
	bw.WriteString(`,"records":[`)
	enc := json.NewEncoder(bw)
	for i := range records {
		if i > 0 {
			bw.WriteByte(',')
		}
		_ = enc.Encode(&records[i])
	}
	bw.WriteString("]}\n")
	_ = bw.Flush()
}

// traceID makes an ASP.NET-style trace id.
func traceID(seq uint64) string {
	return fmt.Sprintf("00-%016x%016x-%016x-00", mix(seq), mix(seq+1), mix(seq+2))
}

// problem is ASP.NET's ProblemDetails / ValidationProblemDetails body.
type problem struct {
	Type    string              `json:"type"`
	Title   string              `json:"title"`
	Status  int                 `json:"status"`
	Errors  map[string][]string `json:"errors,omitempty"`
	TraceID string              `json:"traceId"`
}

// writeNotFound answers a missing id as the apps do: 404 ProblemDetails.
func writeNotFound(w http.ResponseWriter, seq uint64) {
	writeProblem(w, problem{
		Type:    "https://tools.ietf.org/html/rfc9110#section-15.5.5",
		Title:   "Not Found",
		Status:  http.StatusNotFound,
		TraceID: traceID(seq),
	})
}

// writeBadValue answers a query or body value the framework cannot bind:
// 400 ValidationProblemDetails.
func writeBadValue(w http.ResponseWriter, seq uint64, errs map[string][]string) {
	writeProblem(w, problem{
		Type:    "https://tools.ietf.org/html/rfc9110#section-15.5.1",
		Title:   "One or more validation errors occurred.",
		Status:  http.StatusBadRequest,
		Errors:  errs,
		TraceID: traceID(seq),
	})
}

func writeProblem(w http.ResponseWriter, p problem) {
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// validationFailure is one FluentValidation failure of a 400 array.
type validationFailure struct {
	PropertyName                      string         `json:"propertyName"`
	ErrorMessage                      string         `json:"errorMessage"`
	AttemptedValue                    any            `json:"attemptedValue"`
	Severity                          string         `json:"severity"`
	ErrorCode                         string         `json:"errorCode"`
	FormattedMessageArguments         []any          `json:"formattedMessageArguments"`
	FormattedMessagePlaceholderValues map[string]any `json:"formattedMessagePlaceholderValues"`
}

// writeValidation answers 400 with a FluentValidation array.
func writeValidation(w http.ResponseWriter, failures ...validationFailure) {
	writeJSON(w, http.StatusBadRequest, failures)
}

// errorModel is the apps' exception body.
type errorModel struct {
	Message     string `json:"message"`
	Description string `json:"description,omitempty"`
}

// writeError answers an exception the way the error pipeline does.
func writeError(w http.ResponseWriter, status int, message, description string) {
	writeJSON(w, status, errorModel{Message: message, Description: description})
}
