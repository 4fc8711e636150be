package wanted

// Reason codes of decisions, shared with the host's vocabulary. A decision's
// reason is the code, a colon and details, such as
// "future: airs 2025-06-03".
const (
	ReasonSearched     = "searched"
	ReasonCooldown     = "cooldown"
	ReasonQueued       = "queued"
	ReasonGrabbed      = "grabbed"
	ReasonUnmonitored  = "unmonitored"
	ReasonNotAvailable = "not_available"
	ReasonFuture       = "future"
	ReasonFiltered     = "filtered"
	ReasonOverBudget   = "over_budget"
	ReasonDuplicate    = "duplicate"
	// ReasonNotDue is the recent strategy's: the item's next retry after
	// release has not come yet.
	ReasonNotDue = "not_due"
)

// Reason joins a code and its detail.
func Reason(code, detail string) string { return code + ": " + detail }

// Day is the layout dates are shown with in reasons.
const Day = "2006-01-02"
