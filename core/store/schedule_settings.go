package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/uptrace/bun"
)

// settingPaused names the scheduler_settings row of the global pause.
const settingPaused = "paused"

// schedulerSettingModel is a row of the scheduler_settings table.
type schedulerSettingModel struct {
	bun.BaseModel `bun:"table:scheduler_settings"`

	Name      string    `bun:"name,pk"`
	Value     string    `bun:"value"`
	UpdatedAt time.Time `bun:"updated_at"`
}

// Paused reports whether the scheduler is paused; a database that never
// stored the setting is not.
func (r *Schedules) Paused(ctx context.Context) (bool, error) {
	var m schedulerSettingModel
	err := r.s.db.NewSelect().Model(&m).Where("name = ?", settingPaused).Limit(1).Scan(ctx)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return false, wrap("read scheduler pause", err)
	}
	paused, err := strconv.ParseBool(m.Value)
	if err != nil {
		return false, wrap("read scheduler pause", err)
	}
	return paused, nil
}

// SetPaused stores the scheduler's global pause.
func (r *Schedules) SetPaused(ctx context.Context, paused bool) error {
	m := schedulerSettingModel{Name: settingPaused, Value: strconv.FormatBool(paused), UpdatedAt: r.s.now()}
	_, err := r.s.db.NewInsert().Model(&m).
		On("CONFLICT (name) DO UPDATE").
		Set("value = EXCLUDED.value").Set("updated_at = EXCLUDED.updated_at").
		Exec(ctx)
	return wrap("store scheduler pause", err)
}
