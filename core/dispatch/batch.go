package dispatch

import (
	"slices"

	"github.com/vibequality/searcharr/core/domain"
)

// batch is what one POST sends: one pending command, or several pending
// commands of an instance that search the same kind of items, merged into
// one arr command (a MoviesSearch or EpisodeSearch with the ids of them
// all). Each command keeps its row, run, queue and cooldown; the arr sees
// one command, and the rate, caps and in-flight limit see what it costs.
type batch struct {
	cmds []domain.PendingCommand
	// parts are the commands' decoded bodies.
	parts []domain.Command
	// command is what the arr is sent.
	command domain.Command
	// cost is the indexer searches the batch causes: the sum of its
	// commands' costs.
	cost int
}

// batchable reports whether commands named n may be merged: the arrs
// search each id of these one after another, so a merged command costs
// what its parts did.
func batchable(n domain.CommandName) bool {
	return n == domain.CmdMoviesSearch || n == domain.CmdEpisodeSearch
}

func commandCost(p domain.PendingCommand, c domain.Command) int {
	if p.Cost > 0 {
		return p.Cost
	}
	return max(c.Cost(), 1)
}

// decoded is a pending command with its decoded body, or the error that
// keeps it from being sent.
type decoded struct {
	p   domain.PendingCommand
	c   domain.Command
	err error
}

// nextBatch takes from cmds (in sending order) the next batch of at most
// limit indexer searches and returns it with the commands left, in order.
// A command attempted in a batch is settled with the rest of that batch; a
// command attempted alone, one that cannot be merged, or one whose body
// does not decode goes alone (bad reports the decoding error).
func nextBatch(cmds []decoded, limit int) (b batch, bad error, rest []decoded) {
	first := cmds[0]
	b = newBatch(first)
	if first.err != nil {
		return b, first.err, cmds[1:]
	}
	take := func(d decoded) bool {
		switch {
		case d.err != nil || d.c.Name != first.c.Name:
			return false
		case first.p.BatchID != 0:
			return d.p.BatchID == first.p.BatchID
		case d.p.AttemptedAt != nil || !batchable(first.c.Name):
			return false
		}
		return b.cost+commandCost(d.p, d.c) <= limit
	}
	if first.p.BatchID != 0 || (first.p.AttemptedAt == nil && batchable(first.c.Name)) {
		for _, d := range cmds[1:] {
			if take(d) {
				b.add(d)
				continue
			}
			rest = append(rest, d)
		}
		return b, nil, rest
	}
	return b, nil, cmds[1:]
}

func newBatch(d decoded) batch {
	c := d.c
	c.EpisodeIDs, c.MovieIDs = slices.Clone(c.EpisodeIDs), slices.Clone(c.MovieIDs)
	return batch{cmds: []domain.PendingCommand{d.p}, parts: []domain.Command{d.c}, command: c, cost: commandCost(d.p, d.c)}
}

// add merges one more command into the batch.
func (b *batch) add(d decoded) {
	b.cmds = append(b.cmds, d.p)
	b.parts = append(b.parts, d.c)
	b.cost += commandCost(d.p, d.c)
	b.command.EpisodeIDs = appendNew(b.command.EpisodeIDs, d.c.EpisodeIDs)
	b.command.MovieIDs = appendNew(b.command.MovieIDs, d.c.MovieIDs)
}

// appendNew appends the ids of add not in ids yet.
func appendNew(ids, add []int64) []int64 {
	for _, id := range add {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// prefix returns the batch of its first n commands.
func (b batch) prefix(n int) batch {
	if n >= len(b.cmds) {
		return b
	}
	out := newBatch(decoded{p: b.cmds[0], c: b.parts[0]})
	for i := 1; i < n; i++ {
		out.add(decoded{p: b.cmds[i], c: b.parts[i]})
	}
	return out
}

// ids returns the ids of the batch's commands.
func (b batch) ids() []int64 {
	out := make([]int64, len(b.cmds))
	for i, p := range b.cmds {
		out[i] = p.ID
	}
	return out
}

// attempted reports whether a POST of the batch may already have reached
// the arr.
func (b batch) attempted() bool { return b.cmds[0].AttemptedAt != nil }
