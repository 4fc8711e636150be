ALTER TABLE notification_sinks DROP COLUMN last_attempt_at;
--bun:split
ALTER TABLE notification_sinks DROP COLUMN last_status;
--bun:split
ALTER TABLE notification_sinks DROP COLUMN secret;
