package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/sync/semaphore"
)

// Argon2Params are the argon2id cost parameters.
type Argon2Params struct {
	// Memory is in KiB.
	Memory uint32
	// Iterations is the number of passes over the memory.
	Iterations uint32
	// Parallelism is the number of lanes.
	Parallelism uint8
	// SaltLength and KeyLength are in bytes.
	SaltLength uint32
	KeyLength  uint32
	// MemoryBudget bounds, in KiB, the argon2 memory of the hashes
	// computed at once (DefaultMemoryBudget): further hashes wait their
	// turn, so concurrent logins cannot exhaust the host. A budget below
	// Memory still lets one hash run at a time.
	MemoryBudget uint32
}

// DefaultMemoryBudget lets two hashes with the default parameters run at
// once (40 MiB): with the garbage collector's headroom, 100 concurrent
// logins keep the server under 200 MB.
const DefaultMemoryBudget = 40 * 1024

// DefaultArgon2Params follow the OWASP recommendation for argon2id:
// 19 MiB, two passes, one lane.
var DefaultArgon2Params = Argon2Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// ErrMalformedHash reports a stored password hash that is not an argon2id
// PHC string this package can read.
var ErrMalformedHash = errors.New("auth: malformed password hash")

// Hasher hashes and verifies passwords with argon2id. Hashes are PHC
// strings ($argon2id$v=19$m=…,t=…,p=…$salt$key) so their parameters travel
// with them and can be raised later.
type Hasher struct {
	params Argon2Params
	// slots holds MemoryBudget KiB; each hash takes its memory cost.
	slots  *semaphore.Weighted
	budget int64
	// dummy is verified against for unknown users, so a login for a name
	// that does not exist costs as much as one that does.
	dummy string
}

// NewHasher returns a Hasher using p; zero fields take the defaults.
func NewHasher(p Argon2Params) (*Hasher, error) {
	d := DefaultArgon2Params
	if p.Memory == 0 {
		p.Memory = d.Memory
	}
	if p.Iterations == 0 {
		p.Iterations = d.Iterations
	}
	if p.Parallelism == 0 {
		p.Parallelism = d.Parallelism
	}
	if p.SaltLength == 0 {
		p.SaltLength = d.SaltLength
	}
	if p.KeyLength == 0 {
		p.KeyLength = d.KeyLength
	}
	if p.MemoryBudget == 0 {
		p.MemoryBudget = DefaultMemoryBudget
	}
	if p.SaltLength < 8 || p.KeyLength < 16 {
		return nil, errors.New("auth: argon2 salt must be at least 8 bytes and key at least 16")
	}
	budget := int64(max(p.MemoryBudget, p.Memory))
	h := &Hasher{params: p, slots: semaphore.NewWeighted(budget), budget: budget}
	dummy := make([]byte, 24)
	if _, err := rand.Read(dummy); err != nil {
		return nil, fmt.Errorf("auth: unable to read random bytes: %w", err)
	}
	var err error
	if h.dummy, err = h.Hash(context.Background(), base64.RawStdEncoding.EncodeToString(dummy)); err != nil {
		return nil, err
	}
	return h, nil
}

// idKey computes an argon2id key once the memory it needs is free in the
// budget. It fails only when ctx ends first.
func (h *Hasher) idKey(ctx context.Context, password string, salt []byte, p Argon2Params, keyLen uint32) ([]byte, error) {
	weight := min(int64(p.Memory), h.budget)
	if err := h.slots.Acquire(ctx, weight); err != nil {
		return nil, fmt.Errorf("auth: waiting to hash a password: %w", err)
	}
	defer h.slots.Release(weight)
	key := argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, keyLen)
	// The hash's memory block is garbage now. Collecting it before the
	// next hash takes the slot lets that hash reuse the same pages, rather
	// than the heap growing by a block per hash until the collector's
	// own pace catches up: resident memory stays near the budget.
	runtime.GC()
	return key, nil
}

// Hash returns the PHC string of password under a fresh random salt. It
// waits while the memory budget is in use and fails if ctx ends first.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, h.params.SaltLength)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: unable to read random bytes: %w", err)
	}
	p := h.params
	key, err := h.idKey(ctx, password, salt, p, p.KeyLength)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Iterations, p.Parallelism,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// Verify reports whether password matches the PHC string encoded. The
// comparison takes constant time. It waits while the memory budget is in
// use and fails if ctx ends first.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (bool, error) {
	p, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	got, err := h.idKey(ctx, password, salt, p, uint32(len(key)))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// VerifyDummy spends the time and memory of one Verify on a hash no
// password matches. Call it when the user does not exist, so the answer
// costs as much. It fails only when ctx ends first.
func (h *Hasher) VerifyDummy(ctx context.Context, password string) error {
	_, err := h.Verify(ctx, password, h.dummy)
	return err
}

// NeedsRehash reports whether encoded was made with weaker parameters than
// the Hasher's, so it should be replaced after a successful login.
func (h *Hasher) NeedsRehash(encoded string) bool {
	p, _, key, err := decodeHash(encoded)
	if err != nil {
		return true
	}
	return p.Memory < h.params.Memory || p.Iterations < h.params.Iterations ||
		p.Parallelism < h.params.Parallelism || uint32(len(key)) < h.params.KeyLength
}

// maxMemory bounds the memory a stored hash may ask for (1 GiB), so a
// tampered hash cannot exhaust the host.
const maxMemory = 1 << 20

func decodeHash(encoded string) (Argon2Params, []byte, []byte, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return Argon2Params{}, nil, nil, ErrMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return Argon2Params{}, nil, nil, ErrMalformedHash
	}
	var p Argon2Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Iterations, &p.Parallelism); err != nil {
		return Argon2Params{}, nil, nil, ErrMalformedHash
	}
	if p.Memory == 0 || p.Memory > maxMemory || p.Iterations == 0 || p.Iterations > 64 || p.Parallelism == 0 {
		return Argon2Params{}, nil, nil, ErrMalformedHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return Argon2Params{}, nil, nil, ErrMalformedHash
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 {
		return Argon2Params{}, nil, nil, ErrMalformedHash
	}
	p.SaltLength, p.KeyLength = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}
