-- When the last processing attempt of a delivery started. Attempts are
-- counted when they start, so one that hangs or takes the process down
-- still counts; a delivery whose attempt started recently is left to it.
ALTER TABLE webhook_deliveries ADD COLUMN started_at TIMESTAMPTZ;
--bun:split
-- When a delivery was given up on (error says why): it is never tried
-- again, by the sweep nor at start.
ALTER TABLE webhook_deliveries ADD COLUMN parked_at TIMESTAMPTZ;
