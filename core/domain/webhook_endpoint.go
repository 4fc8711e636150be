package domain

import (
	"crypto/sha256"
	"crypto/subtle"
)

// WebhookEndpoint is what Sonarr/Radarr are given to call an instance's
// webhook receiver: a long random token in the path and HTTP basic
// credentials. Token and Password are sealed at rest and shown only to the
// instance's owner.
type WebhookEndpoint struct {
	InstanceID int64
	Token      Secret
	Username   string
	Password   Secret
}

// Configured reports whether credentials have been generated.
func (e WebhookEndpoint) Configured() bool {
	return !e.Token.IsZero() && e.Username != "" && !e.Password.IsZero()
}

// Verify reports whether a request's path token and basic credentials
// match, comparing in constant time (the lengths leak nothing: every value
// is hashed first). An endpoint without credentials accepts nothing.
func (e WebhookEndpoint) Verify(token, username, password string) bool {
	if !e.Configured() {
		return false
	}
	ok := equalHashed(token, e.Token.Reveal())
	ok = equalHashed(username, e.Username) && ok
	ok = equalHashed(password, e.Password.Reveal()) && ok
	return ok
}

func equalHashed(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}
