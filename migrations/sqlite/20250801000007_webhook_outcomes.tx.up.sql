-- outcome_grabs records each item of each grab or import the arr reported
-- (by webhook or in its history), once per download: grab_key is the
-- download id, or the delivery or history record when the arr gave none.
-- command_id and run_id name the search it was matched to.
CREATE TABLE outcome_grabs (
    instance_id INTEGER   NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    grab_key    TEXT      NOT NULL,
    item_key    TEXT      NOT NULL,
    event_type  TEXT      NOT NULL,
    source      TEXT      NOT NULL,
    command_id  INTEGER,
    run_id      INTEGER,
    grabbed_at  TIMESTAMP NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (instance_id, grab_key, item_key)
);
--bun:split
CREATE INDEX outcome_grabs_run_idx ON outcome_grabs (run_id);
--bun:split
-- outcome_found makes a run count an item found once, however many grabs
-- of it follow.
CREATE TABLE outcome_found (
    run_id     INTEGER   NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    item_key   TEXT      NOT NULL,
    command_id INTEGER,
    found_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (run_id, item_key)
);
--bun:split
-- outcome_polls keeps, per instance polled for grabs, the date of the
-- latest history record read.
CREATE TABLE outcome_polls (
    instance_id  INTEGER   PRIMARY KEY REFERENCES instances (id) ON DELETE CASCADE,
    polled_until TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
--bun:split
-- queue_subscriptions makes a queue run for webhook events of its
-- instance: an event type and an optional expr condition on the payload.
CREATE TABLE queue_subscriptions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    queue_id       INTEGER   NOT NULL REFERENCES search_queues (id) ON DELETE CASCADE,
    position       INTEGER   NOT NULL,
    event_type     TEXT      NOT NULL,
    condition_expr TEXT      NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL
);
--bun:split
CREATE INDEX queue_subscriptions_queue_idx ON queue_subscriptions (queue_id, position);
--bun:split
CREATE INDEX queue_subscriptions_event_idx ON queue_subscriptions (event_type);
