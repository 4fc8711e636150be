package domain

import "strings"

// ReasonCode classifies the decision taken on one item in a run. Strategies
// write their reasons as "code: detail"; the host parses the code and stores
// it next to the full reason.
type ReasonCode string

// The reason codes. Searched is the only code of a kept item.
const (
	ReasonSearched     ReasonCode = "searched"
	ReasonCooldown     ReasonCode = "cooldown"
	ReasonExcluded     ReasonCode = "excluded"
	ReasonQueued       ReasonCode = "queued"
	ReasonGrabbed      ReasonCode = "grabbed"
	ReasonUnmonitored  ReasonCode = "unmonitored"
	ReasonNotAvailable ReasonCode = "not_available"
	ReasonFuture       ReasonCode = "future"
	ReasonFiltered     ReasonCode = "filtered"
	ReasonOverBudget   ReasonCode = "over_budget"
	ReasonDuplicate    ReasonCode = "duplicate"
	// ReasonHasFile is an item that already has a file (a missing-list
	// entry that was imported meanwhile).
	ReasonHasFile ReasonCode = "has_file"
)

// ReasonCodes lists every reason code, in the order reports show them.
var ReasonCodes = []ReasonCode{
	ReasonSearched, ReasonCooldown, ReasonExcluded, ReasonQueued, ReasonGrabbed, ReasonUnmonitored,
	ReasonNotAvailable, ReasonFuture, ReasonFiltered, ReasonOverBudget, ReasonDuplicate, ReasonHasFile,
}

// Valid reports whether c is a known reason code.
func (c ReasonCode) Valid() bool {
	for _, k := range ReasonCodes {
		if c == k {
			return true
		}
	}
	return false
}

// ParseReason splits a strategy's "code: detail" reason. A reason without a
// known code gets fallback as its code and is kept whole as the detail.
func ParseReason(reason string, fallback ReasonCode) (ReasonCode, string) {
	code, detail, ok := strings.Cut(reason, ":")
	if ok {
		if c := ReasonCode(strings.TrimSpace(code)); c.Valid() {
			return c, strings.TrimSpace(detail)
		}
	}
	return fallback, strings.TrimSpace(reason)
}

// FormatReason renders a code and a detail as "code: detail".
func FormatReason(code ReasonCode, detail string) string {
	if detail == "" {
		return string(code)
	}
	return string(code) + ": " + detail
}
