ALTER TABLE instances ADD COLUMN webhook_token BYTEA;
