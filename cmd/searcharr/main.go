// Command searcharr searches the Sonarr/Radarr backlog systematically,
// within the user's indexer budget.
//
//	searcharr serve            start the server (default)
//	searcharr migrate          apply database migrations and exit
//	searcharr plugins list     list the strategy plugins
//	searcharr user create      create a user
//	searcharr version          print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	cmd, rest := "serve", args
	switch {
	case len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help"):
		cmd = "help"
	case len(args) > 0 && args[0] != "" && args[0][0] != '-':
		cmd, rest = args[0], args[1:]
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, rest, stderr)
	case "migrate":
		err = migrate(ctx, rest, stdout, stderr)
	case "plugins":
		err = pluginsCmd(ctx, rest, stdout, stderr)
	case "plugin":
		err = pluginCmd(rest)
	case "user":
		err = userCmd(ctx, rest, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "searcharr", Version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "searcharr: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0 // the flag set printed its usage
	}
	if err != nil {
		fmt.Fprintln(stderr, "searcharr:", err)
		return 1
	}
	return 0
}

const usage = `usage: searcharr <command> [flags]

commands:
  serve                 start the server (the default)
  migrate               apply database migrations and exit
  plugins list          list strategy plugins: name, version, source, protocol
  plugin serve NAME     run a built-in strategy as a plugin process (used by serve)
  user create           create a user (--username, password on stdin or --password-file)
  version               print the version

Every flag of serve can also be set with a SEARCHARR_* environment variable;
run "searcharr serve --help" for the list.

serve answers the web UI, the REST API (/api/...) and its documentation
(/docs) on one port, http://localhost:7337/ by default; on an empty
database the first visit creates the administrator.
`
