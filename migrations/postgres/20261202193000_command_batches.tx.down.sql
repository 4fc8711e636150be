ALTER TABLE dispatched_commands DROP COLUMN batch_id;
