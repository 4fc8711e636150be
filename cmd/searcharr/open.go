package main

import (
	"context"
	"log/slog"

	"github.com/vibequality/searcharr/core/auth"
	"github.com/vibequality/searcharr/core/config"
	"github.com/vibequality/searcharr/core/store"
)

// openStore loads (or on first start generates) the secret key and opens the
// database with it, applying migrations unless skip is set. It refuses
// while a restore is replacing the data directory's files.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger, skipMigrations bool) (*store.Store, []byte, error) {
	if err := prepareDataDir(cfg, log); err != nil {
		return nil, nil, err
	}
	if err := checkNoRestore(cfg.DataDir); err != nil {
		return nil, nil, err
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
