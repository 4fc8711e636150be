CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT        NOT NULL,
    password_hash TEXT        NOT NULL,
    is_admin      BOOLEAN     NOT NULL DEFAULT 0,
    created_at    TIMESTAMP  NOT NULL,
    updated_at    TIMESTAMP  NOT NULL
);
--bun:split
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
--bun:split
CREATE TABLE refresh_tokens (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id  TEXT        NOT NULL,
    token_hash TEXT        NOT NULL UNIQUE,
    user_agent TEXT        NOT NULL DEFAULT '',
    ip         TEXT        NOT NULL DEFAULT '',
    created_at TIMESTAMP  NOT NULL,
    expires_at TIMESTAMP  NOT NULL,
    used_at    TIMESTAMP ,
    revoked_at TIMESTAMP
);
--bun:split
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);
--bun:split
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
--bun:split
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT        NOT NULL,
    prefix       TEXT        NOT NULL,
    key_hash     TEXT        NOT NULL UNIQUE,
    created_at   TIMESTAMP  NOT NULL,
    last_used_at TIMESTAMP ,
    expires_at   TIMESTAMP
);
--bun:split
CREATE INDEX api_keys_user_idx ON api_keys (user_id);
--bun:split
CREATE TABLE instances (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id              INTEGER           NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name                 TEXT             NOT NULL,
    kind                 TEXT             NOT NULL,
    url                  TEXT             NOT NULL,
    api_key              BLOB             NOT NULL,
    verify_tls           BOOLEAN          NOT NULL DEFAULT 1,
    timeout_seconds      INTEGER          NOT NULL DEFAULT 30,
    rate_per_second      REAL             NOT NULL DEFAULT 1,
    burst                INTEGER          NOT NULL DEFAULT 1,
    hourly_cap           INTEGER          NOT NULL DEFAULT 0,
    daily_cap            INTEGER          NOT NULL DEFAULT 0,
    budget_group         TEXT             NOT NULL DEFAULT '',
    max_in_flight        INTEGER          NOT NULL DEFAULT 0,
    max_queue_size       INTEGER          NOT NULL DEFAULT 0,
    webhook_username     TEXT             NOT NULL DEFAULT '',
    webhook_secret       BLOB ,
    webhook_last_test_at TIMESTAMP ,
    created_at           TIMESTAMP       NOT NULL,
    updated_at           TIMESTAMP       NOT NULL,
    UNIQUE (user_id, name)
);
--bun:split
CREATE INDEX instances_budget_group_idx ON instances (user_id, budget_group);
--bun:split
CREATE TABLE search_queues (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id          INTEGER      NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    name                 TEXT        NOT NULL,
    strategy             TEXT        NOT NULL,
    config               TEXT        NOT NULL DEFAULT '{}',
    recurring            BOOLEAN     NOT NULL DEFAULT 0,
    interval_minutes     INTEGER     NOT NULL DEFAULT 0,
    max_items_per_run    INTEGER     NOT NULL DEFAULT 50,
    cooldown_hours       INTEGER     NOT NULL DEFAULT 24,
    is_active            BOOLEAN     NOT NULL DEFAULT 1,
    status               TEXT        NOT NULL DEFAULT 'pending',
    status_reason        TEXT        NOT NULL DEFAULT '',
    next_run             TIMESTAMP ,
    last_run             TIMESTAMP ,
    last_error           TEXT        NOT NULL DEFAULT '',
    consecutive_failures INTEGER     NOT NULL DEFAULT 0,
    running_run_id       INTEGER,
    lease_until          TIMESTAMP ,
    created_at           TIMESTAMP  NOT NULL,
    updated_at           TIMESTAMP  NOT NULL
);
--bun:split
CREATE INDEX search_queues_instance_idx ON search_queues (instance_id);
--bun:split
CREATE INDEX search_queues_due_idx ON search_queues (is_active, next_run);
--bun:split
CREATE TABLE runs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    queue_id         INTEGER      REFERENCES search_queues (id) ON DELETE SET NULL,
    queue_name       TEXT        NOT NULL DEFAULT '',
    instance_id      INTEGER      NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    strategy         TEXT        NOT NULL,
    trigger_kind     TEXT        NOT NULL,
    correlation_id   TEXT        NOT NULL DEFAULT '',
    dry_run          BOOLEAN     NOT NULL DEFAULT 0,
    status           TEXT        NOT NULL,
    error            TEXT        NOT NULL DEFAULT '',
    items_considered INTEGER     NOT NULL DEFAULT 0,
    items_selected   INTEGER     NOT NULL DEFAULT 0,
    commands_sent    INTEGER     NOT NULL DEFAULT 0,
    indexer_searches INTEGER     NOT NULL DEFAULT 0,
    items_found      INTEGER     NOT NULL DEFAULT 0,
    created_at       TIMESTAMP  NOT NULL,
    started_at       TIMESTAMP ,
    ended_at         TIMESTAMP
);
--bun:split
CREATE INDEX runs_created_idx ON runs (created_at);
--bun:split
CREATE INDEX runs_instance_idx ON runs (instance_id, created_at);
--bun:split
CREATE INDEX runs_queue_idx ON runs (queue_id, created_at);
--bun:split
CREATE INDEX runs_status_idx ON runs (status);
--bun:split
CREATE TABLE run_items (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id   INTEGER           NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    item_key TEXT             NOT NULL,
    title    TEXT             NOT NULL DEFAULT '',
    decision TEXT             NOT NULL,
    reason   TEXT             NOT NULL DEFAULT '',
    score    REAL             NOT NULL DEFAULT 0,
    command  TEXT             NOT NULL DEFAULT ''
);
--bun:split
CREATE INDEX run_items_run_idx ON run_items (run_id, id);
--bun:split
CREATE TABLE dispatched_commands (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT        NOT NULL UNIQUE,
    run_id          INTEGER      REFERENCES runs (id) ON DELETE SET NULL,
    queue_id        INTEGER      REFERENCES search_queues (id) ON DELETE SET NULL,
    instance_id     INTEGER      NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    command_name    TEXT        NOT NULL,
    body            TEXT        NOT NULL DEFAULT '{}',
    cost            INTEGER     NOT NULL,
    arr_command_id  INTEGER,
    status          TEXT        NOT NULL,
    error           TEXT        NOT NULL DEFAULT '',
    created_at      TIMESTAMP  NOT NULL,
    sent_at         TIMESTAMP ,
    ended_at        TIMESTAMP
);
--bun:split
CREATE INDEX dispatched_commands_sent_idx ON dispatched_commands (instance_id, sent_at);
--bun:split
CREATE INDEX dispatched_commands_status_idx ON dispatched_commands (status, instance_id);
--bun:split
CREATE INDEX dispatched_commands_run_idx ON dispatched_commands (run_id);
--bun:split
CREATE TABLE dispatched_command_items (
    command_id  INTEGER NOT NULL REFERENCES dispatched_commands (id) ON DELETE CASCADE,
    instance_id INTEGER NOT NULL,
    item_key    TEXT   NOT NULL,
    PRIMARY KEY (command_id, item_key)
);
--bun:split
CREATE INDEX dispatched_command_items_item_idx ON dispatched_command_items (instance_id, item_key);
--bun:split
CREATE TABLE item_search_state (
    instance_id      INTEGER      NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    item_key         TEXT        NOT NULL,
    last_searched_at TIMESTAMP ,
    search_count     INTEGER     NOT NULL DEFAULT 0,
    grab_count       INTEGER     NOT NULL DEFAULT 0,
    last_grab_at     TIMESTAMP ,
    cooldown_until   TIMESTAMP ,
    last_command_id  INTEGER,
    updated_at       TIMESTAMP  NOT NULL,
    PRIMARY KEY (instance_id, item_key)
);
--bun:split
CREATE TABLE exclusions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    instance_id INTEGER      NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    kind        TEXT        NOT NULL,
    target_id   INTEGER      NOT NULL,
    title       TEXT        NOT NULL DEFAULT '',
    reason      TEXT        NOT NULL DEFAULT '',
    expires_at  TIMESTAMP ,
    created_at  TIMESTAMP  NOT NULL,
    UNIQUE (instance_id, kind, target_id)
);
--bun:split
CREATE INDEX exclusions_user_idx ON exclusions (user_id);
--bun:split
CREATE TABLE webhook_deliveries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id  INTEGER      NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    event_type   TEXT        NOT NULL,
    dedupe_key   TEXT        NOT NULL,
    payload      TEXT        NOT NULL,
    received_at  TIMESTAMP  NOT NULL,
    processed_at TIMESTAMP ,
    attempts     INTEGER     NOT NULL DEFAULT 0,
    error        TEXT        NOT NULL DEFAULT ''
);
--bun:split
CREATE INDEX webhook_deliveries_dedupe_idx ON webhook_deliveries (instance_id, dedupe_key, received_at);
--bun:split
CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (id) WHERE processed_at IS NULL;
--bun:split
CREATE TABLE notification_sinks (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT        NOT NULL,
    kind         TEXT        NOT NULL,
    url          BLOB        NOT NULL,
    config       TEXT        NOT NULL DEFAULT '{}',
    events       TEXT        NOT NULL DEFAULT '[]',
    enabled      BOOLEAN     NOT NULL DEFAULT 1,
    last_sent_at TIMESTAMP ,
    last_error   TEXT        NOT NULL DEFAULT '',
    created_at   TIMESTAMP  NOT NULL,
    updated_at   TIMESTAMP  NOT NULL,
    UNIQUE (user_id, name)
);
