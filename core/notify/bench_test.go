package notify_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/notify"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// BenchmarkAccept measures what the bus handler costs a publisher: one
// event accepted into the inbox (the notifier is not started, so nothing
// drains it; the inbox is sized to hold every event).
func BenchmarkAccept(b *testing.B) {
	st := storetest.Open(b, store.DialectSQLite)
	n, err := notify.New(notify.Deps{Sinks: st.NotificationSinks(), Instances: st.Instances()}, notify.Config{InboxSize: b.N + 1})
	if err != nil {
		b.Fatal(err)
	}
	payload := []byte(`{"instance_id":1,"title":"Show S01E01","items":[{"type":"episode","id":7}],"at":"2025-08-20T10:00:00Z"}`)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if !n.Accept(domain.EventGrabFound, payload) {
			b.Fatal("dropped")
		}
	}
}

// BenchmarkWebhookTest measures one synchronous delivery to a local
// webhook: load the sink and its sealed target, render a template, sign,
// POST, record the outcome in SQLite.
func BenchmarkWebhookTest(b *testing.B) {
	st := storetest.Open(b, store.DialectSQLite)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	b.Cleanup(srv.Close)
	ctx := context.Background()
	u, err := st.Users().Create(ctx, domain.User{Username: "bench", PasswordHash: "x"})
	if err != nil {
		b.Fatal(err)
	}
	n, err := notify.New(notify.Deps{Sinks: st.NotificationSinks(), Instances: st.Instances()}, notify.Config{})
	if err != nil {
		b.Fatal(err)
	}
	s, err := n.Create(ctx, u.ID, domain.NotificationSinkInput{Name: "bench", URL: domain.Secret(srv.URL), Secret: secret,
		Events: []domain.EventKind{domain.EventGrabFound}, Template: `{"text":{{json .Title}},"data":{{json .Data}}}`})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := n.Test(ctx, s.ID); err != nil {
			b.Fatal(err)
		}
	}
}
