ALTER TABLE search_queues ADD COLUMN max_searches_per_run INTEGER NOT NULL DEFAULT 0;
--bun:split
ALTER TABLE search_queues ADD COLUMN cooldown_mode TEXT NOT NULL DEFAULT 'flat';
--bun:split
ALTER TABLE search_queues ADD COLUMN own_cooldown BOOLEAN NOT NULL DEFAULT FALSE;
--bun:split
ALTER TABLE search_queues ADD COLUMN include_unmonitored BOOLEAN NOT NULL DEFAULT FALSE;
--bun:split
ALTER TABLE runs ADD COLUMN items_searched INTEGER NOT NULL DEFAULT 0;
--bun:split
ALTER TABLE runs ADD COLUMN skipped TEXT NOT NULL DEFAULT '{}';
--bun:split
ALTER TABLE run_items ADD COLUMN reason_code TEXT NOT NULL DEFAULT '';
