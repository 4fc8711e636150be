package bus

import (
	"context"
	"fmt"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/vibequality/searcharr/core/domain"
)

// Broadcast delivers every message published on topic from now on to this
// process, whichever process published it, until ctx ends. Unlike Handle,
// whose consumer group shares each message among replicas, every replica
// that calls Broadcast gets every message: the in-process pub/sub fans out
// to each subscriber, and on PostgreSQL the subscription uses a consumer
// group of its own (one per call, removed when ctx ends) that starts at
// the end of the topic instead of replaying its history.
//
// Messages are acknowledged as they are delivered: a consumer that falls
// behind loses them, which suits live views and nothing durable. On
// PostgreSQL the work topics (triggers, webhooks) cannot be broadcast.
func (b *Bus) Broadcast(ctx context.Context, topic domain.Topic) (<-chan *message.Message, error) {
	sub := b.sub
	if b.db != nil && isQueueTopic(string(topic)) {
		return nil, fmt.Errorf("bus: %s is a work queue, whose messages go to one consumer: it cannot be broadcast", topic)
	}
	if b.db != nil {
		group := "searcharr-live-" + watermill.NewShortUUID()
		offsets := startAtEnd{DefaultPostgreSQLOffsetsAdapter: wsql.DefaultPostgreSQLOffsetsAdapter{}}
		s, err := wsql.NewSubscriber(wsql.BeginnerFromStdSQL(b.db), wsql.SubscriberConfig{
			ConsumerGroup:    group,
			SchemaAdapter:    wsql.DefaultPostgreSQLSchema{},
			OffsetsAdapter:   offsets,
			InitializeSchema: true,
			PollInterval:     b.poll,
		}, b.wlog)
		if err != nil {
			return nil, fmt.Errorf("bus: unable to create a broadcast subscriber: %w", err)
		}
		sub = s
		go func() {
			<-ctx.Done()
			_ = s.Close()
			// The group's offset row has no further use.
			_, _ = b.db.ExecContext(context.WithoutCancel(ctx),
				`DELETE FROM `+offsets.MessagesOffsetsTable(string(topic))+` WHERE consumer_group = $1`, group)
		}()
	}
	in, err := sub.Subscribe(ctx, string(topic))
	if err != nil {
		return nil, fmt.Errorf("bus: unable to broadcast %s: %w", topic, err)
	}
	out := make(chan *message.Message)
	go func() {
		defer close(out)
		for msg := range in {
			msg.Ack()
			select {
			case out <- msg:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// startAtEnd is watermill-sql's PostgreSQL offsets adapter, except that a
// new consumer group starts after the last message of the topic rather
// than at its first.
type startAtEnd struct {
	wsql.DefaultPostgreSQLOffsetsAdapter
}

func (a startAtEnd) BeforeSubscribingQueries(params wsql.BeforeSubscribingQueriesParams) ([]wsql.Query, error) {
	messages := wsql.DefaultPostgreSQLSchema{}.MessagesTable(params.Topic)
	return []wsql.Query{{
		Query: `INSERT INTO ` + a.MessagesOffsetsTable(params.Topic) + ` (consumer_group, offset_acked, last_processed_transaction_id)
			SELECT $1, COALESCE(MAX("offset"), 0), COALESCE(MAX(transaction_id), '0') FROM ` + messages + `
			ON CONFLICT DO NOTHING`,
		Args: []any{params.ConsumerGroup},
	}}, nil
}
