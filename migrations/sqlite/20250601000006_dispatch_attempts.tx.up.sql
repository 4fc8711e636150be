-- attempted_at is when the dispatcher last began posting a pending command.
-- A pending command with an attempt may have reached the arr: it counts
-- against the instance's caps and is reconciled before it is sent again.
ALTER TABLE dispatched_commands ADD COLUMN attempted_at TIMESTAMP;
--bun:split
CREATE INDEX dispatched_commands_pending_idx ON dispatched_commands (instance_id, status, queue_id, id);
