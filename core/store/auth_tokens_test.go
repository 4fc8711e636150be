package store_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

func TestRefreshTokenRotationAndReuse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u, err := s.Users().Create(ctx, domain.User{Username: "alice", PasswordHash: "h"})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		r := s.RefreshTokens()
		for _, h := range []string{"h1", "h2"} {
			if err := r.Create(ctx, store.RefreshToken{UserID: u.ID, FamilyID: "fam", TokenHash: h, ExpiresAt: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := r.Create(ctx, store.RefreshToken{UserID: u.ID, FamilyID: "other", TokenHash: "o1", ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := r.Create(ctx, store.RefreshToken{UserID: u.ID, FamilyID: "old", TokenHash: "x1", ExpiresAt: now.Add(-time.Second)}); err != nil {
			t.Fatal(err)
		}

		// Of concurrent uses of one token exactly one succeeds.
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if got, err := r.Use(ctx, "h1", now); err == nil {
					if got.UserID != u.ID || got.FamilyID != "fam" {
						t.Errorf("Use = %+v", got)
					}
					mu.Lock()
					ok++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if ok != 1 {
			t.Fatalf("%d concurrent uses succeeded, want 1", ok)
		}
		// The losers were reuses: the family is revoked, h2 with it.
		if _, err := r.Use(ctx, "h2", now); !errors.Is(err, store.ErrRefreshTokenReused) || !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("Use(h2) after reuse = %v, want ErrRefreshTokenReused", err)
		}
		if _, err := r.Use(ctx, "o1", now); err != nil {
			t.Fatalf("another family was revoked: %v", err)
		}
		if _, err := r.Use(ctx, "x1", now); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("expired token = %v, want ErrNotFound", err)
		}
		if _, err := r.Use(ctx, "nope", now); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("unknown token = %v, want ErrNotFound", err)
		}
		if err := r.Create(ctx, store.RefreshToken{UserID: u.ID, FamilyID: "f3", TokenHash: "h3", ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := r.RevokeUser(ctx, u.ID, now); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Use(ctx, "h3", now); err == nil {
			t.Fatal("token survived RevokeUser")
		}
		if n, err := r.DeleteExpired(ctx, now); err != nil || n != 1 {
			t.Fatalf("DeleteExpired = %d, %v; want 1", n, err)
		}
	})
}

func TestAPIKeyRepository(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		alice, _ := s.Users().Create(ctx, domain.User{Username: "alice", PasswordHash: "h"})
		bob, _ := s.Users().Create(ctx, domain.User{Username: "bob", PasswordHash: "h"})
		k := s.APIKeys()
		exp := time.Now().Add(time.Hour)
		created, err := k.Create(ctx, store.APIKey{UserID: alice.ID, Name: "cron", Prefix: "sak_abc", KeyHash: "hash1", ExpiresAt: &exp})
		if err != nil || created.ID == 0 {
			t.Fatalf("Create = %+v, %v", created, err)
		}
		if _, err := k.Create(ctx, store.APIKey{UserID: bob.ID, Name: "dup", Prefix: "p", KeyHash: "hash1"}); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("duplicate hash = %v, want ErrConflict", err)
		}
		got, err := k.GetByHash(ctx, "hash1")
		if err != nil || got.UserID != alice.ID || got.ExpiresAt == nil || got.LastUsedAt != nil {
			t.Fatalf("GetByHash = %+v, %v", got, err)
		}
		if err := k.Touch(ctx, got.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		if list, err := k.ListByUser(ctx, alice.ID); err != nil || len(list) != 1 || list[0].LastUsedAt == nil {
			t.Fatalf("ListByUser = %+v, %v", list, err)
		}
		if err := k.Delete(ctx, bob.ID, got.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("Delete by another user = %v, want ErrNotFound", err)
		}
		if err := k.Delete(ctx, alice.ID, got.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := k.GetByHash(ctx, "hash1"); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("deleted key = %v, want ErrNotFound", err)
		}
	})
}
