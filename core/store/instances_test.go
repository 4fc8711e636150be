package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

func TestInstanceCRUD(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		other := newSeed(t, s, "bob")

		got, err := s.Instances().Get(ctx, sd.instance.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.OwnerID != sd.user.ID || got.Kind != domain.KindSonarr || got.RatePerSecond != 0.5 || got.HourlyCap != 20 || !got.VerifyTLS {
			t.Fatalf("stored instance differs: %+v", got)
		}

		list, err := s.Instances().ListByOwner(ctx, sd.user.ID)
		if err != nil || len(list) != 1 || list[0].ID != sd.instance.ID {
			t.Fatalf("ListByOwner = %v, %v; want only alice's instance", list, err)
		}

		got.Name, got.URL, got.BudgetGroup, got.DailyCap = "renamed", "http://other:8989", "shared", 100
		upd, err := s.Instances().Update(ctx, got)
		if err != nil {
			t.Fatal(err)
		}
		if upd.Name != "renamed" || upd.URL != "http://other:8989" || upd.BudgetGroup != "shared" || upd.DailyCap != 100 {
			t.Fatalf("update not stored: %+v", upd)
		}

		_, err = s.Instances().Create(ctx, domain.Instance{OwnerID: sd.user.ID, Name: "renamed", Kind: domain.KindRadarr, URL: "http://r"}, "k")
		if !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("duplicate name: err = %v, want ErrConflict", err)
		}
		if _, err := s.Instances().Create(ctx, domain.Instance{OwnerID: 9999, Name: "x", Kind: domain.KindRadarr, URL: "http://r"}, "k"); !errors.Is(err, domain.ErrInvalid) {
			t.Fatalf("unknown owner: err = %v, want ErrInvalid", err)
		}

		if err := s.Instances().Delete(ctx, sd.instance.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Instances().Get(ctx, sd.instance.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("after delete: err = %v, want ErrNotFound", err)
		}
		if _, err := s.Queues().Get(ctx, sd.queue.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("queue survived its instance: err = %v", err)
		}
		if err := s.Instances().Delete(ctx, sd.instance.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("second delete: err = %v, want ErrNotFound", err)
		}
		if _, err := s.Instances().Get(ctx, other.instance.ID); err != nil {
			t.Fatalf("other user's instance: %v", err)
		}
	})
}

func TestInstanceAPIKeyOnlyThroughCredentials(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const key = "9f3c1d2e7a6b4c5d8e9f0a1b2c3d4e5f"
		sd := newSeed(t, s, "alice")
		in, err := s.Instances().Create(ctx, domain.Instance{OwnerID: sd.user.ID, Name: "radarr", Kind: domain.KindRadarr, URL: "http://radarr:7878"}, key)
		if err != nil {
			t.Fatal(err)
		}

		got, err := s.Instances().Get(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		list, err := s.Instances().List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []any{in, got, list} {
			if s := fmt.Sprintf("%+v %#v", v, v); strings.Contains(s, key) {
				t.Fatalf("api key found in entity: %s", s)
			}
		}

		var raw []byte
		if err := s.DB().QueryRowContext(ctx, "SELECT api_key FROM instances WHERE id = "+fmt.Sprint(in.ID)).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(raw), key) {
			t.Fatal("api key stored in clear")
		}

		creds, err := s.Instances().Credentials(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if creds.APIKey.Reveal() != key || creds.URL != "http://radarr:7878" || creds.Kind != domain.KindRadarr {
			t.Fatalf("credentials = %+v", creds)
		}
		if s := fmt.Sprintf("%v %+v %#v %s", creds, creds, creds, creds.APIKey); strings.Contains(s, key) {
			t.Fatalf("api key printed: %s", s)
		}

		if err := s.Instances().SetAPIKey(ctx, in.ID, "new-key"); err != nil {
			t.Fatal(err)
		}
		if err := s.Instances().SetWebhookCredentials(ctx, in.ID, "searcharr", "hook-pass"); err != nil {
			t.Fatal(err)
		}
		creds, err = s.Instances().Credentials(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if creds.APIKey.Reveal() != "new-key" || creds.WebhookUsername != "searcharr" || creds.WebhookPassword.Reveal() != "hook-pass" {
			t.Fatalf("credentials after change = %q %q %q", creds.APIKey.Reveal(), creds.WebhookUsername, creds.WebhookPassword.Reveal())
		}
		got, _ = s.Instances().Get(ctx, in.ID)
		if !got.HasWebhookSecret || got.WebhookUsername != "searcharr" {
			t.Fatalf("webhook fields = %+v", got)
		}
	})
}

func TestBudgetGroupMembers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		mk := func(name, group string) domain.Instance {
			in, err := s.Instances().Create(ctx, domain.Instance{OwnerID: sd.user.ID, Name: name, Kind: domain.KindRadarr, URL: "http://r", BudgetGroup: group}, "k")
			if err != nil {
				t.Fatal(err)
			}
			return in
		}
		a, b, _ := mk("radarr", "movies"), mk("radarr4k", "movies"), mk("other", "")
		ids, err := s.Instances().BudgetGroupMembers(ctx, a.ID)
		if err != nil || len(ids) != 2 || ids[0] != a.ID || ids[1] != b.ID {
			t.Fatalf("members = %v, %v; want [%d %d]", ids, err, a.ID, b.ID)
		}
		ids, err = s.Instances().BudgetGroupMembers(ctx, sd.instance.ID)
		if err != nil || len(ids) != 1 || ids[0] != sd.instance.ID {
			t.Fatalf("alone: members = %v, %v", ids, err)
		}
	})
}
