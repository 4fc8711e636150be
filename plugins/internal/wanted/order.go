package wanted

import (
	"cmp"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/vibequality/searcharr/sdk"
)

// Order is the order in which wanted items are searched.
type Order string

// The orders.
const (
	// OldestAired searches the longest-wanted items first (server-side).
	OldestAired Order = "oldest_aired"
	// NewestAired searches the most recently aired items first
	// (server-side).
	NewestAired Order = "newest_aired"
	// LeastRecentlySearched searches first the items searched longest ago
	// (server-side, by the application's last search time; within a page,
	// Searcharr's own record counts too when it is later).
	LeastRecentlySearched Order = "least_recently_searched"
	// RecentlyAdded searches the items added to the library most recently
	// first. The wanted lists cannot sort by it, so the whole list is read.
	RecentlyAdded Order = "recently_added"
	// Random shuffles the whole list with a seed, reproducibly.
	Random Order = "random"
)

// Orders lists the orders.
var Orders = []Order{OldestAired, NewestAired, LeastRecentlySearched, RecentlyAdded, Random}

// ServerSorted reports whether the wanted lists sort by the order, so that
// a run reads only the pages it needs.
func (o Order) ServerSorted() bool {
	return o == OldestAired || o == NewestAired || o == LeastRecentlySearched
}

// Query maps the order onto the wanted list's server-side sort. Orders that
// are not server-sorted read the list oldest first.
func (o Order) Query() (sdk.SortKey, bool) {
	switch o {
	case NewestAired:
		return sdk.SortReleased, true
	case LeastRecentlySearched:
		return sdk.SortLastSearched, false
	}
	return sdk.SortReleased, false
}

// Sort puts a whole list in the order, as the server would for the
// server-sorted orders (unknown dates first, ties by id); the most recently
// added first (unknown last, then newest aired); or shuffled by seed.
func (o Order) Sort(items []sdk.Item, seed uint64) {
	switch o {
	case OldestAired:
		slices.SortStableFunc(items, byReleased)
	case NewestAired:
		slices.SortStableFunc(items, func(a, b sdk.Item) int { return byReleased(b, a) })
	case LeastRecentlySearched:
		slices.SortStableFunc(items, func(a, b sdk.Item) int {
			return cmp.Or(-laterFirst(a.LastSearchTime, b.LastSearchTime), byReleased(a, b))
		})
	case RecentlyAdded:
		slices.SortStableFunc(items, func(a, b sdk.Item) int {
			return cmp.Or(laterFirst(a.Added, b.Added), laterFirst(a.Released(), b.Released()))
		})
	case Random:
		r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		r.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	}
}

func byReleased(a, b sdk.Item) int {
	return cmp.Or(-laterFirst(a.Released(), b.Released()), cmp.Compare(a.Key.ID, b.Key.ID))
}

// laterFirst orders later times first and unknown times last.
func laterFirst(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return b.Compare(*a)
}

// Seed is the random order's seed for a run: the configured seed (or the
// instance id when none is set) mixed with the run's UTC day. The same
// seed and day give the same order; the next day gives another.
func Seed(configured int64, instance sdk.Instance, now time.Time) uint64 {
	h := fnv.New64a()
	base := configured
	if base == 0 {
		base = instance.ID
		_, _ = h.Write([]byte(instance.Name))
	}
	_, _ = h.Write([]byte(strconv.FormatInt(base, 10)))
	_, _ = h.Write([]byte(now.UTC().Format(Day)))
	return h.Sum64()
}

// rankLastSearched re-sorts a page read by the application's last search
// time by the later of that and Searcharr's own record, never searched
// first.
func rankLastSearched(items []sdk.Item, states map[sdk.ItemKey]sdk.SearchState) {
	last := func(it *sdk.Item) *time.Time {
		t := it.LastSearchTime
		if s := states[it.Key].LastSearched; s != nil && (t == nil || s.After(*t)) {
			t = s
		}
		return t
	}
	slices.SortStableFunc(items, func(a, b sdk.Item) int {
		return -laterFirst(last(&a), last(&b)) // earlier first, never first
	})
}
