package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

func TestUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if n, err := s.Users().Count(ctx); err != nil || n != 0 {
			t.Fatalf("count = %d, %v", n, err)
		}
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			winners int
		)
		for i := range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.Users().CreateFirst(ctx, domain.User{Username: "admin" + string(rune('a'+i)), PasswordHash: "h"})
				switch {
				case err == nil:
					mu.Lock()
					winners++
					mu.Unlock()
				case !errors.Is(err, domain.ErrConflict):
					t.Errorf("CreateFirst: %v", err)
				}
			}()
		}
		wg.Wait()
		if winners != 1 {
			t.Fatalf("%d first users created, want 1", winners)
		}
		u, err := s.Users().Create(ctx, domain.User{Username: "Alice", PasswordHash: "h1"})
		if err != nil || u.IsAdmin {
			t.Fatalf("create = %+v, %v", u, err)
		}
		if _, err := s.Users().Create(ctx, domain.User{Username: "ALICE", PasswordHash: "h"}); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("same name other case: err = %v, want ErrConflict", err)
		}
		got, err := s.Users().GetByUsername(ctx, "alice")
		if err != nil || got.ID != u.ID {
			t.Fatalf("by username = %+v, %v", got, err)
		}
		if _, err := s.Users().GetByUsername(ctx, "nobody"); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("unknown user: err = %v, want ErrNotFound", err)
		}
		if err := s.Users().SetPasswordHash(ctx, u.ID, "h2"); err != nil {
			t.Fatal(err)
		}
		got, _ = s.Users().Get(ctx, u.ID)
		if got.PasswordHash != "h2" {
			t.Fatalf("password hash = %q", got.PasswordHash)
		}
		if n, _ := s.Users().Count(ctx); n != 2 {
			t.Fatalf("count = %d, want 2", n)
		}
	})
}

func TestItemStateGrabs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		at := fixedTime()
		if err := s.ItemStates().RecordGrab(ctx, sd.instance.ID, episodes(1, 1, 2), at, nil); err != nil {
			t.Fatal(err)
		}
		cool := at.Add(72 * 3600e9)
		if err := s.ItemStates().RecordGrab(ctx, sd.instance.ID, episodes(1), at, &cool); err != nil {
			t.Fatal(err)
		}
		st, err := s.ItemStates().Get(ctx, sd.instance.ID, episodes(1, 2))
		if err != nil {
			t.Fatal(err)
		}
		one, two := st[episodes(1)[0]], st[episodes(2)[0]]
		if one.GrabCount != 2 || one.CooldownUntil == nil || !one.CooldownUntil.Equal(cool) || one.SearchCount != 0 {
			t.Fatalf("episode 1 = %+v", one)
		}
		if two.GrabCount != 1 || two.CooldownUntil != nil || two.LastGrabAt == nil || !two.LastGrabAt.Equal(at) {
			t.Fatalf("episode 2 = %+v", two)
		}
	})
}
