package sdk

import (
	"context"
	"encoding/json"
	"time"
)

// ProtocolVersion is the plugin protocol this SDK speaks. It equals the SDK's
// major version; the host refuses plugins built for another one.
const ProtocolVersion = 1

// Strategy is what a plugin implements: it turns a trigger into a ranked list
// of search intents. Searcharr calls its methods from the host process over
// gRPC; the plugin never talks to Sonarr or Radarr itself, it reads what it
// needs through the Library the host passes to Plan.
//
// Implementations must be safe for concurrent use: the host may plan several
// runs at once.
type Strategy interface {
	// Info describes the strategy. The host calls it once when the plugin
	// starts (to fingerprint it) and shows the result to users.
	Info(ctx context.Context) (Info, error)

	// Validate checks a search queue's configuration for this strategy. It is
	// called whenever a queue is created or updated. Return nil when the
	// configuration is acceptable, or ConfigErrors naming each field at
	// fault with a JSON-pointer-like path such as "order" or "filter/year".
	// An empty or null config means "all defaults".
	Validate(ctx context.Context, config json.RawMessage) error

	// Plan decides what to search for one run. It reads candidates through
	// req.Library, respects req.Budget, and returns intents ranked best
	// first, with a decision for every item it considered. It must stop and
	// return ctx.Err() promptly when ctx is cancelled.
	Plan(ctx context.Context, req PlanRequest) (Plan, error)
}

// Info describes a strategy.
type Info struct {
	// Name is the identifier queues refer to, lowercase letters, digits and
	// dashes, such as "missing" or "anime-first".
	Name string
	// Version is the plugin's semantic version, such as "1.2.0".
	Version string
	// Description is one or two sentences shown to users.
	Description string
	// ConfigSchema is the JSON Schema of the queue configuration the
	// strategy accepts. It documents the options; Validate is the authority.
	// Searcharr's web UI builds the queue form from it: titles,
	// descriptions, defaults, enums, minimum and maximum are shown.
	//
	// An option whose value is an expression in a language of the
	// strategy's own can say so with the keyword "x-expression" ("boolean"
	// or "number", what the expression yields) and list what expressions
	// may use in the root keyword "x-expression-fields", an array of
	// {"name", "type", "description"}. The UI then offers an expression
	// editor that shows those fields, checks the expression through
	// Validate as it is typed and marks the Line and Column of the
	// ConfigError at that option's path.
	ConfigSchema json.RawMessage
	// Triggers lists the trigger kinds the strategy plans for. Empty means
	// every kind.
	Triggers []TriggerKind
	// InstanceKinds lists the applications the strategy supports. Empty
	// means both Sonarr and Radarr.
	InstanceKinds []InstanceKind
}

// PlanRequest is everything a strategy gets for one run.
type PlanRequest struct {
	// Trigger is what started the run.
	Trigger Trigger
	// Instance is the Sonarr or Radarr instance the queue searches.
	Instance Instance
	// Config is the queue's configuration, already accepted by Validate.
	Config json.RawMessage
	// Budget bounds how much the run may ask for.
	Budget Budget
	// Now is the run's reference time. Use it instead of time.Now so that the
	// same input gives the same plan.
	Now time.Time
	// Library reads the instance's library, read-only.
	Library Library
}

// Plan is a strategy's answer: intents, best first, and per-item decisions.
type Plan struct {
	// Intents are the searches the strategy asks for, ranked best first.
	// The host applies its own policy (cooldowns, exclusions, items already
	// downloading, the budget) before anything is sent.
	Intents []Intent
	// Decisions explain, for every item the strategy considered, whether it
	// was kept and why. Items covered by an intent should appear here as
	// kept; items skipped should appear with the reason they were skipped.
	Decisions []Decision
}

// Intent asks the host to send one search command.
type Intent struct {
	// Command is the search to send.
	Command Command
	// Items are the items the command covers.
	Items []ItemKey
	// Reason says in a few words why the strategy picked it, such as
	// "missing, aired 2019-04-02".
	Reason string
	// Score ranks intents; higher is more important. Intents are also
	// ordered, and the host keeps that order for equal scores.
	Score float64
}

// Cost is the number of indexer searches the intent causes.
func (i Intent) Cost() int { return i.Command.Cost() }

// Decision records what a strategy decided about one item.
type Decision struct {
	Item   ItemKey
	Kept   bool
	Reason string
}

// Budget bounds a run. A zero field means no bound of that kind.
type Budget struct {
	// MaxIntents is the most intents the host will send for this run.
	MaxIntents int
	// MaxCost is the most indexer searches (the sum of intent costs) the
	// host will send for this run.
	MaxCost int
}

// Fits reports whether a plan of intents with the given count and total cost
// still fits the budget.
func (b Budget) Fits(intents, cost int) bool {
	if b.MaxIntents > 0 && intents > b.MaxIntents {
		return false
	}
	if b.MaxCost > 0 && cost > b.MaxCost {
		return false
	}
	return true
}
