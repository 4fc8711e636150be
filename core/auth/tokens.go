package auth

import (
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Token lifetimes used when a TokenIssuer is built with zero values.
const (
	DefaultAccessTTL  = 15 * time.Minute
	DefaultRefreshTTL = 30 * 24 * time.Hour
)

// issuer is the iss and aud of every access token.
const issuer = "searcharr"

// tokenTypeAccess marks access tokens, so no other JWT signed with the key
// is ever taken for one.
const tokenTypeAccess = "access"

// ErrInvalidToken reports an access token that is malformed, tampered
// with, expired, signed with another algorithm or key, or not an access
// token. The reason is deliberately not given to callers.
var ErrInvalidToken = errors.New("auth: invalid token")

// DeriveKey derives a purpose-bound 32-byte key from the server's secret
// key with HKDF-SHA256, so the key that signs tokens is not the key that
// encrypts secrets at rest.
func DeriveKey(master []byte, purpose string) ([]byte, error) {
	if len(master) < 32 {
		return nil, fmt.Errorf("auth: master key must be at least 32 bytes, got %d", len(master))
	}
	k, err := hkdf.Key(sha256.New, master, nil, "searcharr/"+purpose, 32)
	if err != nil {
		return nil, fmt.Errorf("auth: unable to derive the %s key: %w", purpose, err)
	}
	return k, nil
}

// SigningKey derives the access-token signing key from the server's
// secret key (see LoadOrCreateKey).
func SigningKey(master []byte) ([]byte, error) { return DeriveKey(master, "jwt-hs256") }

// AccessClaims are what an access token says.
type AccessClaims struct {
	UserID   int64
	IssuedAt time.Time
	Expires  time.Time
}

type accessClaims struct {
	Type string `json:"typ"`
	jwt.RegisteredClaims
}

// TokenIssuer signs and checks access tokens: HS256 only, with issuer,
// audience, expiry and a token type that must all match.
type TokenIssuer struct {
	key    []byte
	ttl    time.Duration
	now    func() time.Time
	parser *jwt.Parser
}

// NewTokenIssuer returns an issuer signing with key (at least 32 bytes)
// tokens valid for ttl (DefaultAccessTTL when zero). now is the clock;
// nil means time.Now.
func NewTokenIssuer(key []byte, ttl time.Duration, now func() time.Time) (*TokenIssuer, error) {
	if len(key) < 32 {
		return nil, errors.New("auth: token signing key must be at least 32 bytes")
	}
	if ttl <= 0 {
		ttl = DefaultAccessTTL
	}
	if now == nil {
		now = time.Now
	}
	t := &TokenIssuer{key: append([]byte(nil), key...), ttl: ttl, now: now}
	t.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithAudience(issuer),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(func() time.Time { return t.now() }),
		jwt.WithLeeway(5*time.Second),
	)
	return t, nil
}

// TTL is how long an access token lives.
func (t *TokenIssuer) TTL() time.Duration { return t.ttl }

// Issue signs an access token for userID.
func (t *TokenIssuer) Issue(userID int64) (string, AccessClaims, error) {
	now := t.now().UTC()
	exp := now.Add(t.ttl)
	claims := accessClaims{
		Type: tokenTypeAccess,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    issuer,
			Audience:  jwt.ClaimStrings{issuer},
			Subject:   strconv.FormatInt(userID, 10),
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.key)
	if err != nil {
		return "", AccessClaims{}, fmt.Errorf("auth: unable to sign token: %w", err)
	}
	return signed, AccessClaims{UserID: userID, IssuedAt: now.Truncate(time.Second), Expires: exp.Truncate(time.Second)}, nil
}

// Parse checks an access token and returns its claims. Any failure is
// ErrInvalidToken.
func (t *TokenIssuer) Parse(token string) (AccessClaims, error) {
	var c accessClaims
	parsed, err := t.parser.ParseWithClaims(token, &c, func(tok *jwt.Token) (any, error) {
		if tok.Method != jwt.SigningMethodHS256 {
			return nil, ErrInvalidToken
		}
		return t.key, nil
	})
	if err != nil || !parsed.Valid || c.Type != tokenTypeAccess || c.IssuedAt == nil {
		return AccessClaims{}, ErrInvalidToken
	}
	id, err := strconv.ParseInt(c.Subject, 10, 64)
	if err != nil || id <= 0 {
		return AccessClaims{}, ErrInvalidToken
	}
	return AccessClaims{UserID: id, IssuedAt: c.IssuedAt.UTC(), Expires: c.ExpiresAt.UTC()}, nil
}
