package bus

import (
	"strings"
	"testing"

	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/lib/pq"
)

// TestQueueAckDeletesOnlyTheAckedPartOfABatch: when the third message of a
// batch of five is nacked (the router stops), the messages from it on stay
// in the table to be handled later.
func TestQueueAckDeletesOnlyTheAckedPartOfABatch(t *testing.T) {
	rows := make([]wsql.Row, 5)
	for i := range rows {
		rows[i].Offset = int64(i + 11)
	}
	q, err := queueOffsets().AckMessageQuery(wsql.AckMessageQueryParams{Topic: "webhooks", Rows: rows, LastRow: rows[1]})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(q.Query, `DELETE FROM "watermill_queue_webhooks"`) {
		t.Fatalf("ack query = %s", q.Query)
	}
	got := []int64(*q.Args[0].(*pq.Int64Array))
	if len(got) != 2 || got[0] != 11 || got[1] != 12 {
		t.Fatalf("ack deletes offsets %v, want [11 12]", got)
	}
}
