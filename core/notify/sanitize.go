package notify

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/vibequality/searcharr/core/domain"
)

// maxErrorLen bounds a stored delivery error.
const maxErrorLen = 300

// anyURL matches what looks like a URL, whatever its scheme.
var anyURL = regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s"'<>]+`)

// sanitize returns err's text with everything of the sink's URL and secret
// removed: the URL itself, its host, user, password, path segments and
// query values, in their raw and escaped forms, then anything else that
// looks like a URL. Services put the URL in their errors (Go's HTTP client
// does); none of it may reach the database, a log or a response.
func sanitize(err error, target domain.NotificationTarget) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	for _, s := range secretParts(target) {
		msg = strings.ReplaceAll(msg, s, "***")
	}
	msg = anyURL.ReplaceAllString(msg, "***")
	if len(msg) > maxErrorLen {
		cut := maxErrorLen
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	return msg
}

// secretParts lists the substrings of a target to hide, longest first.
func secretParts(target domain.NotificationTarget) []string {
	raw := target.URL.Reveal()
	parts := []string{raw, target.Secret.Reveal()}
	add := func(u *url.URL) {
		parts = append(parts, u.String(), u.Host, u.Hostname(), u.Opaque, u.RawQuery, u.Path, u.RawPath, u.EscapedPath())
		if u.User != nil {
			p, _ := u.User.Password()
			parts = append(parts, u.User.Username(), p, u.User.String())
		}
		for _, seg := range strings.Split(u.Path, "/") {
			parts = append(parts, seg)
		}
		for _, vs := range u.Query() {
			parts = append(parts, vs...)
		}
	}
	if u, err := url.Parse(raw); err == nil {
		add(u)
		// generic+https://… wraps a second URL.
		if i := strings.Index(u.Scheme, "+"); i >= 0 {
			if inner, err := url.Parse(strings.TrimPrefix(raw, u.Scheme[:i+1])); err == nil {
				add(inner)
			}
		}
	}
	var out []string
	for _, p := range parts {
		// Very short parts ("", "v1", ports) would mangle the message and
		// reveal nothing.
		if len(p) < 3 {
			continue
		}
		out = append(out, p, url.PathEscape(p), url.QueryEscape(p))
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return slices.Compact(out)
}
