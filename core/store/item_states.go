package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/vibequality/searcharr/core/domain"
)

// itemStateModel is a row of the item_search_state table.
type itemStateModel struct {
	bun.BaseModel `bun:"table:item_search_state,alias:iss"`

	InstanceID     int64      `bun:"instance_id,pk"`
	ItemKey        string     `bun:"item_key,pk"`
	LastSearchedAt *time.Time `bun:"last_searched_at"`
	SearchCount    int        `bun:"search_count"`
	GrabCount      int        `bun:"grab_count"`
	LastGrabAt     *time.Time `bun:"last_grab_at"`
	CooldownUntil  *time.Time `bun:"cooldown_until"`
	LastCommandID  *int64     `bun:"last_command_id"`
	UpdatedAt      time.Time  `bun:"updated_at"`
}

func (m *itemStateModel) entity(key domain.ItemKey) domain.ItemState {
	return domain.ItemState{
		InstanceID:     m.InstanceID,
		Key:            key,
		LastSearchedAt: fromDB(m.LastSearchedAt),
		SearchCount:    m.SearchCount,
		GrabCount:      m.GrabCount,
		LastGrabAt:     fromDB(m.LastGrabAt),
		CooldownUntil:  fromDB(m.CooldownUntil),
		LastCommandID:  deref(m.LastCommandID),
	}
}

// ItemStates stores the host's search state of items: when each was last
// searched, how often, its grabs and its cooldown.
type ItemStates struct{ s *Store }

// ItemStates returns the item state repository.
func (s *Store) ItemStates() *ItemStates { return &ItemStates{s: s} }

// Get returns the state of the given items of one instance. Items never
// searched nor grabbed are absent from the map.
func (r *ItemStates) Get(ctx context.Context, instanceID int64, keys []domain.ItemKey) (map[domain.ItemKey]domain.ItemState, error) {
	keys = uniqueKeys(keys)
	out := make(map[domain.ItemKey]domain.ItemState, len(keys))
	for start := 0; start < len(keys); start += batchSize {
		batch := keys[start:min(start+batchSize, len(keys))]
		strs := make([]string, len(batch))
		for i, k := range batch {
			strs[i] = k.String()
		}
		var ms []itemStateModel
		err := r.s.db.NewSelect().Model(&ms).
			Where("instance_id = ?", instanceID).
			Where("item_key IN (?)", bun.List(strs)).
			Scan(ctx)
		if err != nil {
			return nil, wrap("get item states", err)
		}
		for i := range ms {
			k, err := domain.ParseItemKey(ms[i].ItemKey)
			if err != nil {
				return nil, fmt.Errorf("store: item state of instance %d: %w", instanceID, err)
			}
			out[k] = ms[i].entity(k)
		}
	}
	return out, nil
}

// RecordGrab counts a grab of each item at at, as reported by the arr, and
// sets each item's cooldown to cooldownUntil (nil keeps it).
func (r *ItemStates) RecordGrab(ctx context.Context, instanceID int64, keys []domain.ItemKey, at time.Time, cooldownUntil *time.Time) error {
	keys = uniqueKeys(keys)
	now := r.s.now()
	at = utc(at)
	cool := utcPtr(cooldownUntil)
	return r.s.inTx(ctx, "record grabs", func(ctx context.Context, tx bun.Tx) error {
		for start := 0; start < len(keys); start += batchSize {
			batch := keys[start:min(start+batchSize, len(keys))]
			rows := make([]itemStateModel, len(batch))
			for i, k := range batch {
				rows[i] = itemStateModel{
					InstanceID: instanceID, ItemKey: k.String(),
					GrabCount: 1, LastGrabAt: &at, CooldownUntil: cool, UpdatedAt: now,
				}
			}
			_, err := tx.NewInsert().Model(&rows).
				On("CONFLICT (instance_id, item_key) DO UPDATE").
				Set("grab_count = iss.grab_count + 1").
				Set("last_grab_at = EXCLUDED.last_grab_at").
				Set("cooldown_until = COALESCE(EXCLUDED.cooldown_until, iss.cooldown_until)").
				Set("updated_at = EXCLUDED.updated_at").
				Exec(ctx)
			if err != nil {
				return wrap(fmt.Sprintf("record grabs on instance %d", instanceID), err)
			}
		}
		return nil
	})
}

// upsertSearched records one search of each item by command commandID in
// tx: last searched at, one more search, the new cooldown.
func upsertSearched(ctx context.Context, tx bun.Tx, instanceID, commandID int64, keys []domain.ItemKey, at, cooldownUntil, now time.Time) error {
	for start := 0; start < len(keys); start += batchSize {
		batch := keys[start:min(start+batchSize, len(keys))]
		rows := make([]itemStateModel, len(batch))
		for i, k := range batch {
			rows[i] = itemStateModel{
				InstanceID: instanceID, ItemKey: k.String(),
				LastSearchedAt: &at, SearchCount: 1, CooldownUntil: &cooldownUntil,
				LastCommandID: &commandID, UpdatedAt: now,
			}
		}
		_, err := tx.NewInsert().Model(&rows).
			On("CONFLICT (instance_id, item_key) DO UPDATE").
			Set("last_searched_at = EXCLUDED.last_searched_at").
			Set("search_count = iss.search_count + 1").
			Set("cooldown_until = EXCLUDED.cooldown_until").
			Set("last_command_id = EXCLUDED.last_command_id").
			Set("updated_at = EXCLUDED.updated_at").
			Exec(ctx)
		if err != nil {
			return wrap(fmt.Sprintf("record searches on instance %d", instanceID), err)
		}
	}
	return nil
}
