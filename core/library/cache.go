package library

import (
	"context"
	"sync"
	"time"

	"github.com/vibequality/searcharr/sdk"
)

// DefaultCacheTTL is how long a cached wanted list serves runs when no
// webhook event invalidates it first.
const DefaultCacheTTL = 30 * time.Minute

// fillPageSize is the page size the cache reads a whole wanted list with:
// Sonarr and Radarr have no upper limit, and fewer, larger pages cost the
// arr less than many small ones.
const fillPageSize = 5000

// Cache keeps whole wanted lists of each instance for a while, shared by
// every run of every queue, so strategies that order the whole list
// themselves (random, a custom priority) do not read a large library from
// the arr on each run. Grab, Download and FileDelete webhooks change the
// lists; the receiver calls Invalidate so that the next run reads them
// afresh. A nil *Cache caches nothing.
type Cache struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	entries map[cacheKey]*cacheEntry
}

// cacheKey names one list of one instance in one order.
type cacheKey struct {
	instanceID  int64
	list        string
	sortKey     sdk.SortKey
	descending  bool
	unmonitored bool
}

// cacheEntry is one cached list; fill serializes its readers so that
// concurrent runs read the arr once.
type cacheEntry struct {
	fill     sync.Mutex
	items    []sdk.Item
	loadedAt time.Time
	loaded   bool
}

// NewCache returns a cache whose lists live ttl (DefaultCacheTTL when
// zero or negative). now is the clock (time.Now when nil).
func NewCache(ttl time.Duration, now func() time.Time) *Cache {
	if ttl <= 0 {
		ttl = DefaultCacheTTL
	}
	if now == nil {
		now = time.Now
	}
	return &Cache{ttl: ttl, now: now, entries: map[cacheKey]*cacheEntry{}}
}

// Invalidate drops every cached list of an instance.
func (c *Cache) Invalidate(instanceID int64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.entries {
		if k.instanceID == instanceID {
			delete(c.entries, k)
		}
	}
}

func (c *Cache) entry(k cacheKey) *cacheEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok {
		e = &cacheEntry{}
		c.entries[k] = e
	}
	return e
}

// current reports whether e is still the entry for k (no Invalidate in
// between).
func (c *Cache) current(k cacheKey, e *cacheEntry) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries[k] == e
}

// list returns the whole list named by k, from the cache while it is
// fresh, otherwise read with load and kept.
func (c *Cache) list(ctx context.Context, k cacheKey, load func(ctx context.Context) ([]sdk.Item, error)) ([]sdk.Item, error) {
	e := c.entry(k)
	e.fill.Lock()
	defer e.fill.Unlock()
	if e.loaded && c.now().Sub(e.loadedAt) < c.ttl {
		return e.items, nil
	}
	items, err := load(ctx)
	if err != nil {
		return nil, err
	}
	if c.current(k, e) {
		e.items, e.loadedAt, e.loaded = items, c.now(), true
	}
	return items, nil
}
