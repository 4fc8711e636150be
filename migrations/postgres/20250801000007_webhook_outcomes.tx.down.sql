DROP TABLE IF EXISTS queue_subscriptions;
--bun:split
DROP TABLE IF EXISTS outcome_polls;
--bun:split
DROP TABLE IF EXISTS outcome_found;
--bun:split
DROP TABLE IF EXISTS outcome_grabs;
