-- queue_schedules holds when each search queue runs (its kind: once,
-- interval, cron, daily, weekly; time zone, windows, jitter, misfire grace)
-- and the scheduler's bookkeeping: the next slot, what it last saw of the
-- queue, and the latest trigger it published. version guards every write,
-- so of several schedulers on one database only one claims a slot.
CREATE TABLE queue_schedules (
    queue_id               BIGINT    PRIMARY KEY REFERENCES search_queues (id) ON DELETE CASCADE,
    kind                   TEXT      NOT NULL DEFAULT '',
    cron                   TEXT      NOT NULL DEFAULT '',
    at_time                TEXT      NOT NULL DEFAULT '',
    weekdays               JSONB     NOT NULL DEFAULT '[]',
    time_zone              TEXT      NOT NULL DEFAULT '',
    windows                JSONB     NOT NULL DEFAULT '[]',
    jitter_seconds         INTEGER   NOT NULL DEFAULT 0,
    misfire_grace_seconds  INTEGER   NOT NULL DEFAULT 0,
    next_run               TIMESTAMPTZ,
    next_slot              TIMESTAMPTZ,
    spec_key               TEXT      NOT NULL DEFAULT '',
    seen_next_run          TIMESTAMPTZ,
    seen_last_run          TIMESTAMPTZ,
    last_fired_at          TIMESTAMPTZ,
    last_correlation_id    TEXT      NOT NULL DEFAULT '',
    deactivation_announced BOOLEAN   NOT NULL DEFAULT FALSE,
    version                BIGINT    NOT NULL DEFAULT 0,
    updated_at             TIMESTAMPTZ NOT NULL
);
--bun:split
-- scheduler_settings keeps the scheduler's global switches (paused) across
-- restarts, one row per name.
CREATE TABLE scheduler_settings (
    name       TEXT      PRIMARY KEY,
    value      TEXT      NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
--bun:split
CREATE INDEX runs_correlation_idx ON runs (correlation_id);
