DROP INDEX dispatched_commands_pending_idx;
--bun:split
ALTER TABLE dispatched_commands DROP COLUMN attempted_at;
