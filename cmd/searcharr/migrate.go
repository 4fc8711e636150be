package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/vibequality/searcharr/core/config"
)

// migrate applies the database migrations and exits.
func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := config.Load(args, os.Getenv)
	if err != nil {
		return err
	}
	log := cfg.NewLogger(stderr)
	st, _, err := openStore(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "migrations applied (%s)\n", st.Dialect())
	return nil
}
