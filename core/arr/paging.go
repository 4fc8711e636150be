package arr

import (
	"encoding/json"
	"fmt"
	"io"
)

// SortDirection orders a paged list.
type SortDirection string

// The sort directions the API takes. Always send one: when none is sent the
// applications sort descending.
const (
	SortAscending  SortDirection = "ascending"
	SortDescending SortDirection = "descending"
	SortDefault    SortDirection = "default"
)

// PageInfo is the paging envelope of a list, as the application reports
// it: SortKey and SortDirection are the ones it applied, which may differ
// from the ones requested (an unknown key silently falls back).
type PageInfo struct {
	Page          int           `json:"page"`
	PageSize      int           `json:"pageSize"`
	SortKey       string        `json:"sortKey"`
	SortDirection SortDirection `json:"sortDirection"`
	TotalRecords  int           `json:"totalRecords"`
	// Records is how many records this page held.
	Records int `json:"-"`
}

// decodePage stream-decodes a PagingResource: the envelope fields are read
// as they come, and each element of "records" is handed to record, which
// decodes exactly one value from dec. Errors returned by record that are
// not decoding errors must be wrapped in callbackError by the caller.
func decodePage(r io.Reader, record func(dec *json.Decoder) error) (PageInfo, error) {
	var info PageInfo
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{', "a paging object"); err != nil {
		return info, err
	}
	sawRecords := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return info, err
		}
		key, _ := tok.(string)
		switch key {
		case "page":
			err = dec.Decode(&info.Page)
		case "pageSize":
			err = dec.Decode(&info.PageSize)
		case "sortKey":
			err = dec.Decode(&info.SortKey)
		case "sortDirection":
			err = dec.Decode(&info.SortDirection)
		case "totalRecords":
			err = dec.Decode(&info.TotalRecords)
		case "records":
			sawRecords = true
			err = decodeArray(dec, func(d *json.Decoder) error {
				info.Records++
				return record(d)
			})
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return info, err
		}
	}
	if _, err := dec.Token(); err != nil {
		return info, err
	}
	if !sawRecords {
		return info, fmt.Errorf("arr: paging object without records")
	}
	return info, nil
}

// decodeArray reads a JSON array (or null) from dec, calling elem for each
// element.
func decodeArray(dec *json.Decoder, elem func(dec *json.Decoder) error) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("arr: got %v where an array was expected", tok)
	}
	for dec.More() {
		if err := elem(dec); err != nil {
			return err
		}
	}
	_, err = dec.Token()
	return err
}

// streamArray decodes a top-level JSON array of T from r, one element at a
// time, and hands each to fn.
func streamArray[T any](r io.Reader, fn func(*T) error) error {
	dec := json.NewDecoder(r)
	if err := decodeArray(dec, func(d *json.Decoder) error {
		var v T
		if err := d.Decode(&v); err != nil {
			return err
		}
		if err := fn(&v); err != nil {
			return callbackError{err}
		}
		return nil
	}); err != nil {
		return err
	}
	return expectEOF(dec)
}

// decodeOne decodes a single JSON object from r into v.
func decodeOne(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	if err := dec.Decode(v); err != nil {
		return err
	}
	return expectEOF(dec)
}

func expectDelim(dec *json.Decoder, want json.Delim, what string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("arr: got %v where %s was expected", tok, what)
	}
	return nil
}

func expectEOF(dec *json.Decoder) error {
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("arr: trailing data after the JSON value")
	}
	return nil
}
