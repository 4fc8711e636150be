package domain

// MarshalText renders the key as "episode:123", so keys read well in JSON.
func (k ItemKey) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText parses the form MarshalText writes.
func (k *ItemKey) UnmarshalText(b []byte) error {
	parsed, err := ParseItemKey(string(b))
	if err != nil {
		return err
	}
	*k = parsed
	return nil
}
