package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/vibequality/searcharr/core/auth"
	"github.com/vibequality/searcharr/core/config"
	"github.com/vibequality/searcharr/core/store"
)

// openStore loads (or on first start generates) the secret key and opens the
// database with it, applying migrations unless skip is set.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger, skipMigrations bool) (*store.Store, []byte, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("unable to create the data directory: %w", err)
	}
	key, err := auth.LoadOrCreateKey(cfg.DataDir, cfg.SecretKey, cfg.SecretKeyFile)
	if err != nil {
		return nil, nil, err
	}
	box, err := auth.NewSecretBox(key)
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, store.Options{
		DatabaseURL:    cfg.DatabaseURL,
		DataDir:        cfg.DataDir,
		Logger:         log,
		Sealer:         box,
		SkipMigrations: skipMigrations,
	})
	if err != nil {
		return nil, nil, err
	}
	return st, key, nil
}
