package arr

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"
)

// maxErrorBody bounds how much of an error answer is read.
const maxErrorBody = 64 << 10

// statusError turns a non-2xx answer into an *Error the user can act on.
func (c *Client) statusError(op string, resp *http.Response) *Error {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	body := bytes.TrimSpace(raw)
	html := strings.HasPrefix(strings.ToLower(resp.Header.Get("Content-Type")), "text/html") ||
		(len(body) > 0 && body[0] == '<')
	e := &Error{Op: op, Status: resp.StatusCode}
	code := resp.StatusCode
	switch {
	case code >= 300 && code < 400:
		e.Kind = KindRedirect
		e.Location = c.scrub(resp.Header.Get("Location"))
		e.Message = "redirected to " + e.Location + "; redirects are not followed so the API key stays with the configured URL"
		e.Hint = "set the URL to the address " + c.app + " really answers on (check http/https and the URL base)"
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		e.Kind = KindUnauthorized
		e.Message = "the API key was refused"
		e.Hint = "check the API key in " + c.app + " → Settings → General"
	case html && code < 500:
		e.Kind = KindWrongApp
		e.Message = "the URL answered with a web page, not the " + c.app + " API"
		e.Hint = "check the URL and the URL base (" + c.app + " → Settings → General → URL Base)"
	case code == http.StatusNotFound:
		e.Kind = KindNotFound
		e.Message = problemTitle(body)
	case code == http.StatusTooManyRequests:
		e.Kind = KindRateLimited
		e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		e.Message = appMessage(body)
		e.Hint = "too many requests; lower the request rate for this instance"
	case code >= 500:
		e.Kind = KindServer
		e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		if !html {
			e.Message = appMessage(body)
		}
		e.Hint = "see " + c.app + " → System → Logs for details"
	case code == http.StatusBadRequest:
		e.Kind = KindBadRequest
		e.Message = validationSummary(body)
	case code >= 400:
		e.Kind = KindBadRequest
		e.Message = appMessage(body)
	default:
		e.Kind = KindContract
		e.Message = fmt.Sprintf("unexpected HTTP status %d", code)
	}
	e.Message = c.scrub(e.Message)
	return e
}

// scrub removes the API key from text that came from the server.
func (c *Client) scrub(s string) string {
	if c.key == "" {
		return s
	}
	return strings.ReplaceAll(s, c.key, "***")
}

// appMessage extracts the "message" of the apps' error model
// ({"message","description"}), or a ProblemDetails title, or the start of
// a plain-text body.
func appMessage(body []byte) string {
	var m struct {
		Message string `json:"message"`
		Title   string `json:"title"`
		Detail  string `json:"detail"`
	}
	if json.Unmarshal(body, &m) == nil {
		switch {
		case m.Message != "":
			return m.Message
		case m.Title != "" && m.Detail != "":
			return m.Title + ": " + m.Detail
		case m.Title != "":
			return m.Title
		}
	}
	if len(body) > 0 && body[0] != '{' && body[0] != '[' && body[0] != '<' {
		return truncate(string(body), 200)
	}
	return ""
}

// problemTitle reads a ProblemDetails body ({"type","title","status"}).
func problemTitle(body []byte) string {
	if msg := appMessage(body); msg != "" {
		return msg
	}
	return "Not Found"
}

// validationSummary summarises a 400 answer: the apps' FluentValidation
// array, or ASP.NET's ValidationProblemDetails.
func validationSummary(body []byte) string {
	var failures []struct {
		PropertyName string `json:"propertyName"`
		ErrorMessage string `json:"errorMessage"`
	}
	if json.Unmarshal(body, &failures) == nil && len(failures) > 0 {
		parts := make([]string, 0, len(failures))
		for _, f := range failures {
			if f.PropertyName != "" {
				parts = append(parts, f.PropertyName+": "+f.ErrorMessage)
			} else {
				parts = append(parts, f.ErrorMessage)
			}
		}
		return strings.Join(parts, "; ")
	}
	var vpd struct {
		Title  string              `json:"title"`
		Errors map[string][]string `json:"errors"`
	}
	if json.Unmarshal(body, &vpd) == nil && len(vpd.Errors) > 0 {
		keys := make([]string, 0, len(vpd.Errors))
		for k := range vpd.Errors {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, k+": "+strings.Join(vpd.Errors[k], ", "))
		}
		return strings.Join(parts, "; ")
	}
	if msg := appMessage(body); msg != "" {
		return msg
	}
	return "the request was rejected"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
