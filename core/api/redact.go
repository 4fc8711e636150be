package api

import (
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// sensitiveFields are body fields whose values are never echoed in an
// error, whatever produced it.
var sensitiveFields = map[string]bool{
	"api_key": true, "password": true, "current_password": true, "new_password": true,
	"refresh_token": true, "access_token": true, "key": true, "token": true,
}

// redactErrors is a huma transformer for every response: in error details
// it keeps only scalar values of non-sensitive fields. huma's validation
// otherwise echoes the offending value, which for a whole-body error
// (malformed JSON, an unexpected property) is the request body with its
// API key or password.
func redactErrors(_ huma.Context, _ string, v any) (any, error) {
	em, ok := v.(*huma.ErrorModel)
	if !ok {
		return v, nil
	}
	for _, d := range em.Errors {
		if d != nil && !safeValue(d.Location, d.Value) {
			d.Value = nil
		}
	}
	return em, nil
}

func safeValue(location string, v any) bool {
	field := location[strings.LastIndexByte(location, '.')+1:]
	if location == "body" || sensitiveFields[field] {
		return false
	}
	switch v.(type) {
	case nil, bool, float64, float32, int, int64, int32:
		return true
	case string:
		return len(v.(string)) <= 256
	}
	return false
}
