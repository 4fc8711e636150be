package store

import (
	"encoding/json"

	"github.com/vibequality/searcharr/core/domain"
)

// encodeSkipped renders a run's skipped counts for the runs.skipped column.
func encodeSkipped(s domain.SkipCounts) string {
	b, err := json.Marshal(s)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// decodeSkipped reads the runs.skipped column; a value that does not parse
// reads as nothing skipped.
func decodeSkipped(text string) domain.SkipCounts {
	var s domain.SkipCounts
	_ = json.Unmarshal([]byte(text), &s)
	return s
}
