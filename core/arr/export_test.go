package arr

import "time"

// SetBackoff shortens the retry waits for tests.
func SetBackoff(c *Client, base, max time.Duration) { c.backoff = backoff{base: base, max: max} }
