// Command plugin is the host tests' plugin. Started as
// "plugin serve NAME" it plays a built-in of the searcharr binary named
// NAME ("liar" reports another name); otherwise its file name gives its
// identity: "echo_1.2.0" is plugin echo, version 1.2.0.
package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/vibequality/searcharr/core/pluginhost/testdata/teststrategy"
	"github.com/vibequality/searcharr/sdk"
)

func main() {
	name, version := identity()
	sdk.Serve(teststrategy.New(name, version))
}

func identity() (string, string) {
	if len(os.Args) == 4 && os.Args[1] == "plugin" && os.Args[2] == "serve" {
		if os.Args[3] == "liar" {
			return "someone-else", "1.0.0"
		}
		return os.Args[3], "1.0.0"
	}
	name, version, ok := strings.Cut(filepath.Base(os.Args[0]), "_")
	if !ok {
		version = "1.0.0"
	}
	return name, version
}
