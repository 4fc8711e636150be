DROP TABLE IF EXISTS notification_sinks;
--bun:split
DROP TABLE IF EXISTS webhook_deliveries;
--bun:split
DROP TABLE IF EXISTS exclusions;
--bun:split
DROP TABLE IF EXISTS item_search_state;
--bun:split
DROP TABLE IF EXISTS dispatched_command_items;
--bun:split
DROP TABLE IF EXISTS dispatched_commands;
--bun:split
DROP TABLE IF EXISTS run_items;
--bun:split
DROP TABLE IF EXISTS runs;
--bun:split
DROP TABLE IF EXISTS search_queues;
--bun:split
DROP TABLE IF EXISTS instances;
--bun:split
DROP TABLE IF EXISTS api_keys;
--bun:split
DROP TABLE IF EXISTS refresh_tokens;
--bun:split
DROP TABLE IF EXISTS users;
