package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
)

// seed creates a user, a Sonarr instance and a queue on it.
type seed struct {
	user     domain.User
	instance domain.Instance
	queue    domain.Queue
}

func newSeed(t testing.TB, s *store.Store, name string) seed {
	t.Helper()
	ctx := context.Background()
	u, err := s.Users().Create(ctx, domain.User{Username: name, PasswordHash: "hash"})
	if err != nil {
		t.Fatalf("create user: %v", err)
	}
	in, err := s.Instances().Create(ctx, domain.Instance{
		OwnerID: u.ID, Name: name + "-sonarr", Kind: domain.KindSonarr, URL: "http://sonarr:8989",
		VerifyTLS: true, TimeoutSeconds: 30, RatePerSecond: 0.5, Burst: 2, HourlyCap: 20,
	}, domain.Secret("key-"+name))
	if err != nil {
		t.Fatalf("create instance: %v", err)
	}
	q, err := s.Queues().Create(ctx, domain.Queue{
		InstanceID: in.ID, Name: "missing", Strategy: "missing", IsActive: true,
		Recurring: true, IntervalMinutes: 60, MaxItemsPerRun: 50, CooldownHours: 24,
	})
	if err != nil {
		t.Fatalf("create queue: %v", err)
	}
	return seed{user: u, instance: in, queue: q}
}

func newRun(t *testing.T, s *store.Store, sd seed) domain.Run {
	t.Helper()
	r, err := s.Runs().Create(context.Background(), domain.Run{
		QueueID: sd.queue.ID, QueueName: sd.queue.Name, InstanceID: sd.instance.ID,
		Strategy: sd.queue.Strategy, Trigger: domain.TriggerSchedule,
	})
	if err != nil {
		t.Fatalf("create run: %v", err)
	}
	return r
}

func ptr[T any](v T) *T { return &v }

// fakeClock is a settable clock for store.Options.Now.
type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time { return c.t }

func fixedTime() time.Time { return time.Date(2025, 6, 1, 8, 30, 0, 123456000, time.UTC) }
