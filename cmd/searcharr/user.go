package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/vibequality/searcharr/core/auth"
	"github.com/vibequality/searcharr/core/config"
	"github.com/vibequality/searcharr/core/domain"
)

// userCmd is "user create": it creates a user from the command line, the
// first one as administrator. The password is read from a file or from
// standard input, never from an argument (which other users could see).
func userCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "reset-password") {
		return errors.New("usage: searcharr user create|reset-password --username NAME [--password-file FILE]")
	}
	action := args[0]
	fs := flag.NewFlagSet("user", flag.ContinueOnError)
	fs.SetOutput(stderr)
	username := fs.String("username", "", "user name")
	passwordFile := fs.String("password-file", "", "file holding the password (default: standard input)")
	admin := fs.Bool("admin", false, "make the new user an administrator (the first user always is)")
	dataDir := fs.String("data-dir", "", "data directory (default: SEARCHARR_DATA_DIR or ./data)")
	databaseURL := fs.String("database-url", "", "database URL (default: SEARCHARR_DATABASE_URL)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	var serverArgs []string
	if *dataDir != "" {
		serverArgs = append(serverArgs, "--data-dir", *dataDir)
	}
	if *databaseURL != "" {
		serverArgs = append(serverArgs, "--database-url", *databaseURL)
	}
	if *username == "" {
		return errors.New("user: --username is required")
	}
	password, err := readPassword(*passwordFile)
	if err != nil {
		return err
	}
	hasher, err := auth.NewHasher(auth.Argon2Params{})
	if err != nil {
		return err
	}
	if err := auth.CheckPassword(password, *username); err != nil {
		return fmt.Errorf("user: password: %w", err)
	}
	hash, err := hasher.Hash(ctx, password)
	if err != nil {
		return err
	}

	cfg, err := config.Load(serverArgs, os.Getenv)
	if err != nil {
		return err
	}
	st, _, err := openStore(ctx, cfg, cfg.NewLogger(stderr), false)
	if err != nil {
		return err
	}
	defer st.Close()

	if action == "reset-password" {
		u, err := st.Users().GetByUsername(ctx, *username)
		if err != nil {
			return fmt.Errorf("user: %q: %w", *username, err)
		}
		if err := st.Users().SetPasswordHash(ctx, u.ID, hash); err != nil {
			return err
		}
		if err := st.RefreshTokens().RevokeUser(ctx, u.ID, time.Now().UTC()); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s reset; their sessions were ended\n", u.Username)
		return nil
	}
	u := domain.User{Username: *username, PasswordHash: hash, IsAdmin: *admin}
	created, err := st.Users().CreateFirst(ctx, domain.User{Username: u.Username, PasswordHash: hash})
	if errors.Is(err, domain.ErrConflict) {
		created, err = st.Users().Create(ctx, u)
	}
	if err != nil {
		return fmt.Errorf("user: unable to create %q: %w", *username, err)
	}
	role := "user"
	if created.IsAdmin {
		role = "administrator"
	}
	fmt.Fprintf(stdout, "created %s %s (id %d)\n", role, created.Username, created.ID)
	return nil
}

func readPassword(file string) (string, error) {
	var r io.Reader = os.Stdin
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return "", fmt.Errorf("user: password file: %w", err)
		}
		defer f.Close()
		r = f
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("user: unable to read the password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
