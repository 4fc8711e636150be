-- The per-sink signing secret of generic webhook sinks (sealed like the
-- URL) and the outcome of the last delivery attempt, successful or not.
ALTER TABLE notification_sinks ADD COLUMN secret BYTEA;
--bun:split
ALTER TABLE notification_sinks ADD COLUMN last_status TEXT NOT NULL DEFAULT '';
--bun:split
ALTER TABLE notification_sinks ADD COLUMN last_attempt_at TIMESTAMPTZ;
