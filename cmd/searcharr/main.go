// Command searcharr searches the Sonarr/Radarr backlog systematically,
// within the user's indexer budget.
//
//	searcharr serve            start the server (default)
//	searcharr migrate          apply database migrations and exit
//	searcharr plugins list     list the strategy plugins
//	searcharr user create      create a user
//	searcharr backup           write a backup archive of a SQLite installation
//	searcharr restore FILE     restore a backup archive into the data directory
//	searcharr healthcheck      check the local server's /health (exit 0 or 1)
//	searcharr version          print the version, commit and build date
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

	// Time-zone data is compiled in, so TZ works in an image that has no
	// /usr/share/zoneinfo.
	_ "time/tzdata"
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
	case "backup":
		err = backupCmd(ctx, rest, stdout, stderr)
	case "restore":
		err = restoreCmd(ctx, rest, stdout, stderr)
	case "healthcheck":
		err = healthcheck(ctx, rest, stdout, stderr)
	case "version", "--version", "-version":
		printVersion(stdout)
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
  backup [--out FILE]   write a backup of the SQLite database and the secret key
                        (default: DATA_DIR/backups/searcharr-manual-<time>.tar.gz);
                        safe while the server runs
  restore FILE          check a backup archive and restore it into the data
                        directory; the server must be stopped
  healthcheck           check the server on this host (/health): exit 0 when it answers 200, 1 otherwise
  version               print the version, commit, build date and Go version

Every flag of serve can also be set with a SEARCHARR_* environment variable;
run "searcharr serve --help" for the list.

serve answers the web UI, the REST API (/api/...) and its documentation
(/docs) on one port, http://localhost:7337/ by default; on an empty
database the first visit creates the administrator.
`
