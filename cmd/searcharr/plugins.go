package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/vibequality/searcharr/core/config"
	"github.com/vibequality/searcharr/core/pluginhost"
	"github.com/vibequality/searcharr/sdk"
)

// pluginCmd is "plugin serve NAME": the process a built-in strategy runs in.
func pluginCmd(args []string) error {
	if len(args) != 2 || args[0] != "serve" {
		return errors.New("usage: searcharr plugin serve NAME")
	}
	newStrategy, ok := builtins[args[1]]
	if !ok {
		return fmt.Errorf("no built-in strategy named %q (have %v)", args[1], builtinNames())
	}
	sdk.Serve(newStrategy())
	return nil
}

// pluginsCmd is "plugins list": start every plugin, fingerprint it, print it.
func pluginsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "list" {
		return errors.New("usage: searcharr plugins list [--plugin-dir DIR]")
	}
	cfg, err := config.Load(args[1:], os.Getenv)
	if err != nil {
		return err
	}
	host, err := newPluginHost(cfg, cfg.NewLogger(stderr))
	if err != nil {
		return err
	}
	defer host.Close()
	if err := host.Start(ctx); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tVERSION\tSOURCE\tPROTOCOL\tSTATUS")
	for _, p := range host.List() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s v%d\t%s\n", p.Name, p.Version, p.Source, p.Protocol, p.ProtocolVersion, p.Status)
	}
	for _, s := range host.Skipped() {
		fmt.Fprintf(tw, "%s\t-\t%s\t-\tskipped: %s\n", orDash(s.Name), s.Source, s.Reason)
	}
	return tw.Flush()
}

// newPluginHost returns a plugin host for the built-ins of this binary and
// the plugin directory.
func newPluginHost(cfg config.Config, log *slog.Logger) (*pluginhost.Host, error) {
	self, err := selfPath(os.Executable, os.Args[0])
	if err != nil {
		return nil, err
	}
	return pluginhost.New(pluginhost.Config{
		SelfPath:    self,
		BuiltIns:    builtinNames(),
		Dir:         cfg.PluginDir,
		Pins:        cfg.PluginPins,
		PlanTimeout: cfg.PluginPlanTimeout,
		HangTimeout: cfg.PluginHangTimeout,
	}, log)
}

// selfPath is the path of this executable, which the built-in plugins run
// from. os.Executable reads /proc on Linux; in a root without /proc (a
// bare chroot) the path the process was started with is used instead,
// when it names a file.
func selfPath(executable func() (string, error), arg0 string) (string, error) {
	self, err := executable()
	if err == nil {
		return self, nil
	}
	if strings.ContainsRune(arg0, filepath.Separator) {
		if abs, absErr := filepath.Abs(arg0); absErr == nil {
			if fi, statErr := os.Stat(abs); statErr == nil && fi.Mode().IsRegular() {
				return abs, nil
			}
		}
	}
	return "", fmt.Errorf("unable to find the searcharr executable: %w", err)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
