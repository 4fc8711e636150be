ALTER TABLE webhook_deliveries DROP COLUMN parked_at;
--bun:split
ALTER TABLE webhook_deliveries DROP COLUMN started_at;
