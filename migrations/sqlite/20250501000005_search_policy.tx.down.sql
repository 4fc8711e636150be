ALTER TABLE run_items DROP COLUMN reason_code;
--bun:split
ALTER TABLE runs DROP COLUMN skipped;
--bun:split
ALTER TABLE runs DROP COLUMN items_searched;
--bun:split
ALTER TABLE search_queues DROP COLUMN include_unmonitored;
--bun:split
ALTER TABLE search_queues DROP COLUMN own_cooldown;
--bun:split
ALTER TABLE search_queues DROP COLUMN cooldown_mode;
--bun:split
ALTER TABLE search_queues DROP COLUMN max_searches_per_run;
