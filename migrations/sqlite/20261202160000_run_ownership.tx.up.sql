-- Who runs a queue's current run: the installation (holder) and the
-- process start (boot) that claimed its lease. Empty while the run is only
-- reserved (created, not yet claimed by an engine). A process restarted
-- under the same holder takes back the runs of its earlier boots.
ALTER TABLE search_queues ADD COLUMN lease_holder TEXT NOT NULL DEFAULT '';
--bun:split
ALTER TABLE search_queues ADD COLUMN lease_boot TEXT NOT NULL DEFAULT '';
--bun:split
-- When a run's decisions, commands and counts were written (in one
-- transaction); a run without it has not been planned yet.
ALTER TABLE runs ADD COLUMN planned_at TIMESTAMP;
--bun:split
-- The trigger that opened a run (JSON), so a run interrupted before it
-- was planned is planned again as it was asked.
ALTER TABLE runs ADD COLUMN origin TEXT NOT NULL DEFAULT '';
