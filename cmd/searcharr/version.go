package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// Build identity, set at link time by the release build:
//
//	-ldflags "-X main.Version=1.2.3 -X main.Commit=abc1234 -X main.Date=2026-01-02T03:04:05Z"
//
// A build without them falls back to what the Go toolchain recorded (the
// module version, and the VCS revision and commit time when the build
// stamped them), then to "dev" and "unknown".
var (
	Version = "dev"
	Commit  = ""
	Date    = ""
)

func init() {
	Version, Commit, Date = buildIdentity(Version, Commit, Date, debug.ReadBuildInfo)
}

// buildIdentity fills what the linker left unset from the build info.
func buildIdentity(version, commit, date string, read func() (*debug.BuildInfo, bool)) (string, string, string) {
	if bi, ok := read(); ok {
		if version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && commit == "":
				commit = s.Value
			case s.Key == "vcs.time" && date == "":
				date = s.Value
			}
		}
	}
	if commit == "" {
		commit = "unknown"
	}
	if date == "" {
		date = "unknown"
	}
	return version, commit, date
}

// printVersion is "searcharr version": one line a user can paste into a
// bug report.
func printVersion(w io.Writer) {
	fmt.Fprintf(w, "searcharr %s (commit %s, built %s, %s %s/%s)\n", Version, Commit, Date, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
