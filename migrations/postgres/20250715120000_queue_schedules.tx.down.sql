DROP INDEX IF EXISTS runs_correlation_idx;
--bun:split
DROP TABLE IF EXISTS scheduler_settings;
--bun:split
DROP TABLE IF EXISTS queue_schedules;
