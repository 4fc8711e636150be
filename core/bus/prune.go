package bus

import (
	"context"
	"fmt"
	"strings"
	"time"

	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
)

// Prune deletes, on PostgreSQL, the messages of the log topics (every
// topic but the work queues, which delete their messages as they are
// handled) published more than olderThan ago and already handled by the
// deployment's consumer group where it reads the topic. It returns how
// many messages it deleted. The in-process pub/sub keeps nothing, so
// Prune does nothing on SQLite.
//
// Prune is idempotent, so every replica may run it: two replicas pruning
// at once delete each message once.
func (b *Bus) Prune(ctx context.Context, olderThan time.Duration) (int64, error) {
	if b.db == nil {
		return 0, nil
	}
	topics, err := b.logTopics(ctx)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, topic := range topics {
		n, err := b.pruneTopic(ctx, topic, olderThan)
		if err != nil {
			return total, fmt.Errorf("bus: unable to prune topic %s: %w", topic, err)
		}
		total += n
	}
	return total, nil
}

// logTopics lists the topics that have a default-schema table in the
// current schema.
func (b *Bus) logTopics(ctx context.Context) ([]string, error) {
	rows, err := b.db.QueryContext(ctx, `SELECT c.table_name FROM information_schema.columns c
		WHERE c.table_schema = current_schema() AND c.table_name LIKE 'watermill\_%' AND c.column_name = 'transaction_id'
		AND c.table_name NOT LIKE 'watermill\_offsets\_%'`)
	if err != nil {
		return nil, fmt.Errorf("bus: unable to list the topics: %w", err)
	}
	defer rows.Close()
	var topics []string
	for rows.Next() {
		var table string
		if err := rows.Scan(&table); err != nil {
			return nil, fmt.Errorf("bus: unable to list the topics: %w", err)
		}
		topics = append(topics, strings.TrimPrefix(table, "watermill_"))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("bus: unable to list the topics: %w", err)
	}
	return topics, nil
}

func (b *Bus) pruneTopic(ctx context.Context, topic string, olderThan time.Duration) (int64, error) {
	messages := wsql.DefaultPostgreSQLSchema{}.MessagesTable(topic)
	offsets := wsql.DefaultPostgreSQLOffsetsAdapter{}.MessagesOffsetsTable(topic)
	var hasOffsets bool
	if err := b.db.QueryRowContext(ctx, `SELECT to_regclass($1) IS NOT NULL`, offsets).Scan(&hasOffsets); err != nil {
		return 0, err
	}
	// created_at is a timestamp without time zone set by the database's
	// clock, so the cut-off is computed there too.
	query := `DELETE FROM ` + messages + ` m WHERE m.created_at < LOCALTIMESTAMP - make_interval(secs => $1)`
	args := []any{olderThan.Seconds()}
	if hasOffsets {
		// Kept while the deployment's group has not handled it. The
		// per-replica groups of Broadcast do not hold messages back.
		query += ` AND NOT EXISTS (SELECT 1 FROM ` + offsets + ` o WHERE o.consumer_group = $2
			AND (m.transaction_id > o.last_processed_transaction_id
				OR (m.transaction_id = o.last_processed_transaction_id AND m."offset" > o.offset_acked)))`
		args = append(args, b.group)
	}
	res, err := b.db.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
