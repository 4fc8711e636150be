package arr

import (
	"io"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// SetBackoff shortens the retry waits for tests.
func SetBackoff(c *Client, base, max time.Duration) { c.backoff = backoff{base: base, max: max} }

// DecodeWantedPage stream-decodes a wanted page from r as a client of kind
// would.
func DecodeWantedPage(kind domain.InstanceKind, cutoff bool, r io.Reader, fn func(domain.Item) error) (PageInfo, error) {
	c := &Client{kind: kind}
	return decodePage(r, c.itemDecoder(cutoff, fn))
}
