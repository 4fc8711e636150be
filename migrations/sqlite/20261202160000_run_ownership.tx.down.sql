ALTER TABLE runs DROP COLUMN origin;
--bun:split
ALTER TABLE runs DROP COLUMN planned_at;
--bun:split
ALTER TABLE search_queues DROP COLUMN lease_boot;
--bun:split
ALTER TABLE search_queues DROP COLUMN lease_holder;
