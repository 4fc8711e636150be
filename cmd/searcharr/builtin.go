package main

import (
	"sort"

	"github.com/vibequality/searcharr/plugins/custom"
	"github.com/vibequality/searcharr/plugins/cutoff"
	"github.com/vibequality/searcharr/plugins/missing"
	"github.com/vibequality/searcharr/plugins/recent"
	"github.com/vibequality/searcharr/sdk"
)

// builtins are the strategies compiled into this binary. Each runs in its
// own process ("searcharr plugin serve NAME"), isolated like a third-party
// plugin.
var builtins = map[string]func() sdk.Strategy{
	"missing": missing.New,
	"cutoff":  cutoff.New,
	"recent":  recent.New,
	"custom":  custom.New,
}

func builtinNames() []string {
	names := make([]string, 0, len(builtins))
	for n := range builtins {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
