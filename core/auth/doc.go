// Package auth holds Searcharr's account security primitives: argon2id
// password hashing and the password policy, HS256 access tokens, opaque
// refresh tokens and API keys (stored as SHA-256 hashes), the login rate
// limiter, and the encryption of secrets at rest.
//
// It imports only the standard library, golang.org/x/crypto, golang-jwt and
// core/domain; the HTTP side lives in core/api.
package auth
