package store

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// Activity reads what a user's instances did lately, for the dashboard.
type Activity struct{ s *Store }

// Activity returns the activity reader.
func (s *Store) Activity() *Activity { return &Activity{s: s} }

// dayOf is the UTC day (2006-01-02) of a timestamp column.
func (s *Store) dayOf(col string) string {
	if s.dialect == DialectPostgres {
		return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
	}
	return "strftime('%Y-%m-%d', " + col + ")"
}

// Daily counts, per UTC day since from, the commands the owner's instances
// sent (and their indexer searches) and the searched items found. Days
// without either are absent; the result is oldest first. Two grouped
// queries whatever the number of runs.
func (a *Activity) Daily(ctx context.Context, ownerID int64, from time.Time) ([]domain.ActivityDay, error) {
	var sent []struct {
		Day      string `bun:"day"`
		Commands int    `bun:"commands"`
		Searches int    `bun:"searches"`
	}
	err := a.s.db.NewSelect().TableExpr("dispatched_commands AS dc").
		Join("JOIN instances AS i ON i.id = dc.instance_id").
		ColumnExpr(a.s.dayOf("dc.sent_at")+" AS day").
		ColumnExpr("COUNT(*) AS commands").
		ColumnExpr("COALESCE(SUM(dc.cost), 0) AS searches").
		Where("i.user_id = ?", ownerID).
		Where("dc.sent_at IS NOT NULL AND dc.sent_at >= ?", utc(from)).
		GroupExpr(a.s.dayOf("dc.sent_at")).
		Scan(ctx, &sent)
	if err != nil {
		return nil, wrap("count searches sent per day", err)
	}
	var found []struct {
		Day   string `bun:"day"`
		Items int    `bun:"items"`
	}
	err = a.s.db.NewSelect().TableExpr("outcome_found AS of").
		Join("JOIN runs AS r ON r.id = of.run_id").
		Join("JOIN instances AS i ON i.id = r.instance_id").
		ColumnExpr(a.s.dayOf("of.found_at")+" AS day").
		ColumnExpr("COUNT(*) AS items").
		Where("i.user_id = ?", ownerID).
		Where("of.found_at >= ?", utc(from)).
		GroupExpr(a.s.dayOf("of.found_at")).
		Scan(ctx, &found)
	if err != nil {
		return nil, wrap("count items found per day", err)
	}
	days := map[string]*domain.ActivityDay{}
	day := func(d string) *domain.ActivityDay {
		if days[d] == nil {
			days[d] = &domain.ActivityDay{Date: d}
		}
		return days[d]
	}
	for _, r := range sent {
		d := day(r.Day)
		d.Commands, d.IndexerSearches = r.Commands, r.Searches
	}
	for _, r := range found {
		day(r.Day).ItemsFound = r.Items
	}
	out := make([]domain.ActivityDay, 0, len(days))
	for _, d := range days {
		out = append(out, *d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out, nil
}

// LastWebhookEvents returns, per instance of the owner that ever received
// one, when its last webhook delivery (or Test event) arrived.
func (a *Activity) LastWebhookEvents(ctx context.Context, ownerID int64) (map[int64]time.Time, error) {
	var rows []struct {
		InstanceID int64     `bun:"instance_id"`
		At         time.Time `bun:"at"`
	}
	err := a.s.db.NewSelect().TableExpr("webhook_deliveries AS wd").
		Join("JOIN instances AS i ON i.id = wd.instance_id").
		ColumnExpr("wd.instance_id AS instance_id").
		ColumnExpr("MAX(wd.received_at) AS at").
		Where("i.user_id = ?", ownerID).
		GroupExpr("wd.instance_id").
		Scan(ctx, &rows)
	if err != nil {
		return nil, wrap(fmt.Sprintf("read last webhook events of user %d", ownerID), err)
	}
	out := make(map[int64]time.Time, len(rows))
	for _, r := range rows {
		out[r.InstanceID] = r.At.UTC()
	}
	return out, nil
}
