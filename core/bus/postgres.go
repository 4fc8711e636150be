package bus

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/vibequality/searcharr/core/domain"
)

// On PostgreSQL a topic lives in one of two table layouts.
//
// Work topics (triggers, webhook deliveries) have one consumer: the
// deployment's handler, whichever replica runs it. They use watermill-sql's
// queue schema: a replica takes the oldest message no other replica holds
// (SELECT … FOR UPDATE SKIP LOCKED), handles it, and deletes it in the same
// transaction, so the table holds only what is still to be handled.
//
// Every other topic is a log read by consumer groups: the notifier's group
// and one group per replica for the live views (Broadcast), which a queue
// cannot serve since a message deleted by one group is gone for the others.
// Those topics keep watermill-sql's default schema and Prune removes their
// messages once they are older than the retention and handled by the
// deployment's group.

// queueTopics are the topics with a single consumer group.
var queueTopics = []domain.Topic{domain.TopicTriggers, domain.TopicWebhooks}

func isQueueTopic(topic string) bool { return slices.Contains(queueTopics, domain.Topic(topic)) }

// queueTable names a work topic's table. It differs from the default
// schema's "watermill_<topic>", which earlier versions used for every topic
// and which migrateQueues empties into it.
func queueTable(topic string) string { return fmt.Sprintf(`"watermill_queue_%s"`, topic) }

// queueSchema is watermill-sql's queue schema, taking one message at a time
// and skipping those another replica holds.
type queueSchema struct{ wsql.PostgreSQLQueueSchema }

// queueBatch is how many messages a replica takes in one transaction. A
// crash redelivers the handled part of a batch, which the handlers, all
// idempotent, tolerate.
const queueBatch = 10

func newQueueSchema() queueSchema {
	return queueSchema{wsql.PostgreSQLQueueSchema{GenerateMessagesTableName: queueTable, SubscribeBatchSize: queueBatch}}
}

func (s queueSchema) SelectQuery(params wsql.SelectQueryParams) (wsql.Query, error) {
	q, err := s.PostgreSQLQueueSchema.SelectQuery(params)
	q.Query += " SKIP LOCKED"
	return q, err
}

// queueAcks deletes the messages of a batch that were acked. watermill-sql
// v4.1.2 deletes every row of the batch, so a batch cut short (a message
// nacked at shutdown) would lose the messages not handled yet; rows come in
// offset order and are handed over one at a time, so those acked are the
// ones up to the last acked row.
type queueAcks struct {
	wsql.PostgreSQLQueueOffsetsAdapter
}

func queueOffsets() queueAcks {
	return queueAcks{wsql.PostgreSQLQueueOffsetsAdapter{DeleteOnAck: true, GenerateMessagesTableName: queueTable}}
}

func (a queueAcks) AckMessageQuery(params wsql.AckMessageQueryParams) (wsql.Query, error) {
	acked := make([]wsql.Row, 0, len(params.Rows))
	for _, r := range params.Rows {
		if r.Offset <= params.LastRow.Offset {
			acked = append(acked, r)
		}
	}
	params.Rows = acked
	return a.PostgreSQLQueueOffsetsAdapter.AckMessageQuery(params)
}

// postgresPubSub builds the publisher and the subscriber of both layouts,
// each message going to the layout of its topic.
func postgresPubSub(cfg Config, wlog watermill.LoggerAdapter) (message.Publisher, message.Subscriber, error) {
	db := wsql.BeginnerFromStdSQL(cfg.DB)
	queuePub, err := wsql.NewPublisher(db, wsql.PublisherConfig{SchemaAdapter: newQueueSchema(), AutoInitializeSchema: true}, wlog)
	if err != nil {
		return nil, nil, fmt.Errorf("bus: unable to create the queue publisher: %w", err)
	}
	logPub, err := wsql.NewPublisher(db, wsql.PublisherConfig{SchemaAdapter: wsql.DefaultPostgreSQLSchema{}, AutoInitializeSchema: true}, wlog)
	if err != nil {
		return nil, nil, fmt.Errorf("bus: unable to create the publisher: %w", err)
	}
	queueSub, err := wsql.NewSubscriber(db, wsql.SubscriberConfig{
		SchemaAdapter:    newQueueSchema(),
		OffsetsAdapter:   queueOffsets(),
		InitializeSchema: true,
		PollInterval:     cfg.PollInterval,
	}, wlog)
	if err != nil {
		return nil, nil, fmt.Errorf("bus: unable to create the queue subscriber: %w", err)
	}
	logSub, err := wsql.NewSubscriber(db, wsql.SubscriberConfig{
		ConsumerGroup:    cfg.ConsumerGroup,
		SchemaAdapter:    wsql.DefaultPostgreSQLSchema{},
		OffsetsAdapter:   wsql.DefaultPostgreSQLOffsetsAdapter{},
		InitializeSchema: true,
		PollInterval:     cfg.PollInterval,
	}, wlog)
	if err != nil {
		return nil, nil, fmt.Errorf("bus: unable to create the subscriber: %w", err)
	}
	return byTopicPublisher{queue: queuePub, log: logPub}, byTopicSubscriber{queue: queueSub, log: logSub}, nil
}

// byTopicPublisher publishes each message in its topic's layout.
type byTopicPublisher struct{ queue, log message.Publisher }

func (p byTopicPublisher) Publish(topic string, msgs ...*message.Message) error {
	if isQueueTopic(topic) {
		return p.queue.Publish(topic, msgs...)
	}
	return p.log.Publish(topic, msgs...)
}

func (p byTopicPublisher) Close() error { return joinClose(p.queue, p.log) }

// byTopicSubscriber subscribes in each topic's layout.
type byTopicSubscriber struct{ queue, log message.Subscriber }

func (s byTopicSubscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	if isQueueTopic(topic) {
		return s.queue.Subscribe(ctx, topic)
	}
	return s.log.Subscribe(ctx, topic)
}

func (s byTopicSubscriber) Close() error { return joinClose(s.queue, s.log) }

func joinClose(cs ...interface{ Close() error }) error {
	var first error
	for _, c := range cs {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// migrationLock serialises migrateQueues across replicas starting together.
const migrationLock = 0x5ea7c4a7

// migrateQueues moves what the deployment's group had not handled yet from
// the default-schema tables earlier versions kept for the work topics into
// their queue tables, then drops the old tables. It runs at start, once
// per topic: a topic whose old table is gone is left alone.
func migrateQueues(ctx context.Context, db *sql.DB, group string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("bus: unable to migrate the work topics: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
		return fmt.Errorf("bus: unable to migrate the work topics: %w", err)
	}
	for _, topic := range queueTopics {
		if err := migrateQueue(ctx, tx, string(topic), group); err != nil {
			return fmt.Errorf("bus: unable to migrate topic %s: %w", topic, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("bus: unable to migrate the work topics: %w", err)
	}
	return nil
}

func migrateQueue(ctx context.Context, tx *sql.Tx, topic, group string) error {
	legacy := wsql.DefaultPostgreSQLSchema{}.MessagesTable(topic)
	offsets := wsql.DefaultPostgreSQLOffsetsAdapter{}.MessagesOffsetsTable(topic)
	var found, hasOffsets bool
	if err := tx.QueryRowContext(ctx, `SELECT to_regclass($1) IS NOT NULL, to_regclass($2) IS NOT NULL`, legacy, offsets).Scan(&found, &hasOffsets); err != nil {
		return err
	}
	if !found {
		return nil
	}
	// The legacy table has a transaction_id column; a queue table never
	// does (it is named differently, but a hand-made table might not be).
	var legacyLayout bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'transaction_id')`,
		"watermill_"+topic).Scan(&legacyLayout); err != nil {
		return err
	}
	if !legacyLayout {
		return nil
	}
	queries, err := newQueueSchema().SchemaInitializingQueries(wsql.SchemaInitializingQueriesParams{Topic: topic})
	if err != nil {
		return err
	}
	for _, q := range queries {
		if _, err := tx.ExecContext(ctx, q.Query, q.Args...); err != nil {
			return err
		}
	}
	// A message is unhandled when it comes after the group's acked
	// position (transaction, offset), as watermill-sql reads it.
	unhandled := "TRUE"
	var args []any
	if hasOffsets {
		unhandled = `NOT EXISTS (SELECT 1 FROM ` + offsets + ` o WHERE o.consumer_group = $1
			AND (m.transaction_id < o.last_processed_transaction_id
				OR (m.transaction_id = o.last_processed_transaction_id AND m."offset" <= o.offset_acked)))`
		args = append(args, group)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO `+queueTable(topic)+` (uuid, payload, metadata, created_at)
		SELECT m.uuid, m.payload, m.metadata, m.created_at FROM `+legacy+` m WHERE `+unhandled+`
		ORDER BY m.transaction_id, m."offset"`, args...); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DROP TABLE `+legacy); err != nil {
		return err
	}
	if hasOffsets {
		if _, err := tx.ExecContext(ctx, `DROP TABLE `+offsets); err != nil {
			return err
		}
	}
	return nil
}
