package wanted

import (
	"strconv"
	"strings"
)

func itoa(n int) string { return strconv.Itoa(n) }

func quote(s string) string { return strconv.Quote(s) }

func join(s []string) string { return strings.Join(s, ", ") }
