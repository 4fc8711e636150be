package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/store"
)

// LimitSQLiteSize caps a SQLite store at pages pages on every connection
// of its pool: SQLite then refuses to grow it with SQLITE_FULL ("database
// or disk is full"), exactly as when the disk has no room left. A large
// cap (1<<30) lifts the limit.
func LimitSQLiteSize(t *testing.T, s *store.Store, pages int) {
	t.Helper()
	ctx := context.Background()
	db := s.DB()
	n := db.Stats().MaxOpenConnections
	var wg sync.WaitGroup
	errs := make(chan error, n)
	hold := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := db.Conn(ctx)
			if err != nil {
				errs <- err
				return
			}
			defer conn.Close()
			if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
				errs <- err
			}
			// Every connection is held until all are set, so none is set
			// twice and none is left out.
			<-hold
		}()
	}
	for db.Stats().InUse < n && len(errs) == 0 {
		time.Sleep(time.Millisecond)
	}
	close(hold)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
