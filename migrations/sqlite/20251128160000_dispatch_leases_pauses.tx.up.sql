-- Which dispatcher process sends for an instance: a lease taken when free
-- or expired and renewed by its holder, so replicas never send for the
-- same instance at once.
CREATE TABLE dispatch_leases (
    instance_id INTEGER PRIMARY KEY REFERENCES instances(id) ON DELETE CASCADE,
    holder TEXT NOT NULL,
    lease_until TIMESTAMP NOT NULL
);
--bun:split
-- Instances whose dispatch is paused (by hand or by a Health webhook), with
-- why, so a pause outlives a restart until it is lifted.
CREATE TABLE dispatch_pauses (
    instance_id INTEGER PRIMARY KEY REFERENCES instances(id) ON DELETE CASCADE,
    reason TEXT NOT NULL DEFAULT '',
    paused_at TIMESTAMP NOT NULL
);
