package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/vibequality/searcharr/core/domain"
	"github.com/vibequality/searcharr/core/store"
	"github.com/vibequality/searcharr/core/store/storetest"
)

// TestWebhookEndpoint: generated once, even by concurrent first calls;
// replaced as a whole; stored sealed; read back through Credentials too.
func TestWebhookEndpoint(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sd := newSeed(t, s, "alice")
		r := s.Instances()

		ep, err := r.WebhookEndpoint(ctx, sd.instance.ID)
		if err != nil || ep.Configured() || ep.InstanceID != sd.instance.ID {
			t.Fatalf("fresh endpoint = %+v, %v", ep, err)
		}
		var wg sync.WaitGroup
		got := make([]domain.WebhookEndpoint, 6)
		errs := make([]error, len(got))
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], errs[i] = r.InitWebhookEndpoint(ctx, domain.WebhookEndpoint{InstanceID: sd.instance.ID,
					Token: domain.Secret(fmt.Sprintf("TOKEN%02d", i)), Username: fmt.Sprintf("user%d", i), Password: domain.Secret(fmt.Sprintf("PASSWORD%02d", i))})
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		for _, g := range got {
			if g != got[0] || !g.Configured() {
				t.Fatalf("concurrent first calls disagree: %+v vs %+v", g, got[0])
			}
		}
		first := got[0]
		if !first.Verify(first.Token.Reveal(), first.Username, first.Password.Reveal()) {
			t.Fatal("endpoint does not verify its own credentials")
		}
		again, err := r.InitWebhookEndpoint(ctx, domain.WebhookEndpoint{InstanceID: sd.instance.ID, Token: "other", Username: "u", Password: "p"})
		if err != nil || again != first {
			t.Fatalf("init over an existing endpoint = %+v, %v; want it kept", again, err)
		}

		next := domain.WebhookEndpoint{InstanceID: sd.instance.ID, Token: "NEWTOKEN", Username: "newuser", Password: "NEWPASSWORD"}
		if err := r.SetWebhookEndpoint(ctx, next); err != nil {
			t.Fatal(err)
		}
		if ep, _ := r.WebhookEndpoint(ctx, sd.instance.ID); ep != next {
			t.Fatalf("after set = %+v", ep)
		}
		cred, err := r.Credentials(ctx, sd.instance.ID)
		if err != nil || cred.WebhookUsername != "newuser" || cred.WebhookPassword.Reveal() != "NEWPASSWORD" {
			t.Fatalf("credentials = %+v, %v", cred, err)
		}
		in, _ := r.Get(ctx, sd.instance.ID)
		if !in.HasWebhookSecret || in.WebhookUsername != "newuser" {
			t.Fatalf("instance = %+v", in)
		}
		var raw []byte
		if err := s.DB().QueryRowContext(ctx, "SELECT webhook_token FROM instances WHERE id = "+fmt.Sprint(sd.instance.ID)).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if len(raw) == 0 || string(raw) == "NEWTOKEN" {
			t.Fatalf("token stored as %q, want sealed", raw)
		}

		if _, err := r.WebhookEndpoint(ctx, 999999); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("missing instance = %v", err)
		}
		if _, err := r.InitWebhookEndpoint(ctx, domain.WebhookEndpoint{InstanceID: 999999, Token: "t", Username: "u", Password: "p"}); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("init on a missing instance = %v", err)
		}
		if err := r.SetWebhookEndpoint(ctx, domain.WebhookEndpoint{InstanceID: sd.instance.ID, Token: "t"}); !errors.Is(err, domain.ErrInvalid) {
			t.Fatalf("incomplete endpoint = %v", err)
		}
	})
}

func TestWebhookEndpointVerify(t *testing.T) {
	ep := domain.WebhookEndpoint{Token: "tok", Username: "u", Password: "pw"}
	cases := []struct {
		token, user, pw string
		want            bool
	}{
		{"tok", "u", "pw", true},
		{"tok", "u", "pW", false},
		{"tok", "U", "pw", false},
		{"to", "u", "pw", false},
		{"", "", "", false},
	}
	for _, c := range cases {
		if got := ep.Verify(c.token, c.user, c.pw); got != c.want {
			t.Errorf("Verify(%q, %q, %q) = %v", c.token, c.user, c.pw, got)
		}
	}
	if (domain.WebhookEndpoint{}).Verify("", "", "") {
		t.Error("an endpoint without credentials accepted an empty request")
	}
}
