ALTER TABLE instances DROP COLUMN webhook_token;
