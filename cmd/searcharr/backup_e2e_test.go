package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vibequality/searcharr/core/auth"
	"github.com/vibequality/searcharr/core/store"
)

// runCLI runs the searcharr binary to completion and returns its exit
// code and combined output.
func runCLI(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(binaries.searcharr, args...)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, out.String()
}

// backupTables are the tables whose rows a restore must bring back.
var backupTables = []string{"users", "instances", "search_queues", "runs", "dispatched_commands", "webhook_deliveries"}

// openDataDir opens the SQLite database of a data directory beside a
// running server, with the directory's key.
func openDataDir(t *testing.T, dataDir string) *store.Store {
	t.Helper()
	key, err := auth.LoadOrCreateKey(dataDir, "", "")
	if err != nil {
		t.Fatal(err)
	}
	box, _ := auth.NewSecretBox(key)
	st, err := store.Open(context.Background(), store.Options{DataDir: dataDir, Sealer: box, SkipMigrations: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// rowIDs returns the ids of every row of each backup table.
func rowIDs(t *testing.T, db *sql.DB) map[string]map[int64]bool {
	t.Helper()
	out := map[string]map[int64]bool{}
	for _, table := range backupTables {
		rows, err := db.Query("SELECT id FROM " + table)
		if err != nil {
			t.Fatal(err)
		}
		out[table] = map[int64]bool{}
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			out[table][id] = true
		}
		rows.Close()
	}
	return out
}

func countWhere(t *testing.T, db *sql.DB, query string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBackupWhileServingThenRestore: "searcharr backup" runs as its own
// process while the server dispatches a run's commands and receives
// webhooks; the archive restored into a fresh data directory brings back
// every user, instance, queue, run, webhook delivery and pending command
// that existed when the backup began, and a server started on it tests
// the instance's connection (its API key decrypts) and sends the pending
// commands to the simulator.
func TestBackupWhileServingThenRestore(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	env := []string{"SEARCHARR_DISPATCH_LEASE=2s", "SEARCHARR_BACKUP_INTERVAL=0"}
	dataA := filepath.Join(t.TempDir(), "a")
	a := launch(t, launchOptions{DataDir: dataA, Register: true, Env: env})
	instID, _, control, sonarr := hookedInstance(t, a, 1, "--episodes", "300", "--missing-ratio", "0.5", "--seed", "5",
		"--import-delay", "1h")
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("another long passphrase 42\n"), 0o600)
	if code, out := runCLI(t, []string{"SEARCHARR_DATA_DIR=" + dataA}, "user", "create", "--username", "bob", "--password-file", pw); code != 0 {
		t.Fatalf("user create: %d %s", code, out)
	}
	queue := a.createQueue(t, instID, "missing", "missing", 40, map[string]any{"order": "oldest_aired"})
	a.startQueue(t, queue)
	waitUntil(t, "the run to start sending", 60*time.Second, func() bool {
		return len(commandPosts(simRequests(t, control), sonarr.Name)) >= 2
	})

	// Webhooks keep arriving while the backup runs.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			resp, err := http.Post(control+"/__fakearr/webhooks/"+sonarr.Name+"/SeriesAdd", "application/json", nil)
			if err == nil {
				resp.Body.Close()
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	waitUntil(t, "a webhook delivery to be stored", 20*time.Second, func() bool {
		return countDeliveries(simDeliveries(t, control, sonarr.Name), "SeriesAdd", http.StatusOK)+
			countDeliveries(simDeliveries(t, control, sonarr.Name), "SeriesAdd", http.StatusAccepted) > 0
	})
	live := openDataDir(t, dataA)
	before := rowIDs(t, live.DB())
	pendingBefore := countWhere(t, live.DB(), "SELECT COUNT(*) FROM dispatched_commands WHERE status = 'pending'")
	if pendingBefore == 0 {
		t.Fatal("no command pending when the backup starts; the test proves nothing about pending commands")
	}
	archive := filepath.Join(t.TempDir(), "out", "backup.tar.gz")
	code, out := runCLI(t, []string{"SEARCHARR_DATA_DIR=" + dataA}, "backup", "--out", archive)
	close(stop)
	wg.Wait()
	if code != 0 {
		t.Fatalf("backup: %d %s", code, out)
	}
	if strings.TrimSpace(out) != archive {
		t.Fatalf("backup printed %q", out)
	}
	if fi, err := os.Stat(archive); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("archive: %v, %v", fi, err)
	}
	// The server kept going through the backup.
	if a.api.do("GET", "/api/instances", nil, nil) != http.StatusOK {
		t.Fatal("the server stopped answering during the backup")
	}
	sentByA := len(commandPosts(simRequests(t, control), sonarr.Name))
	a.proc.cmd.Process.Signal(os.Interrupt)
	a.proc.cmd.Wait()
	live.Close()

	dataB := filepath.Join(t.TempDir(), "b")
	code, out = runCLI(t, nil, "restore", "--data-dir", dataB, archive)
	if code != 0 {
		t.Fatalf("restore: %d %s", code, out)
	}
	checkPrivate(t, dataB, "", "searcharr.db", "secret.key")
	restored := openDataDir(t, dataB)
	after := rowIDs(t, restored.DB())
	for _, table := range backupTables {
		if len(before[table]) == 0 {
			t.Fatalf("no %s row before the backup; the test proves nothing about them", table)
		}
		for id := range before[table] {
			if !after[table][id] {
				t.Fatalf("%s row %d, present before the backup, is missing after the restore", table, id)
			}
		}
	}
	if n := countWhere(t, restored.DB(), "SELECT COUNT(*) FROM users WHERE username = 'bob'"); n != 1 {
		t.Fatal("user bob was not restored")
	}
	cred, err := restored.Instances().Credentials(context.Background(), instID)
	if err != nil || string(cred.APIKey) != sonarr.APIKey {
		t.Fatalf("the restored instance's API key does not decrypt to the simulator's: %v", err)
	}
	pendingRestored := countWhere(t, restored.DB(), "SELECT COUNT(*) FROM dispatched_commands WHERE status = 'pending'")
	if pendingRestored == 0 {
		t.Fatal("the restored database has no pending command")
	}
	restored.Close()

	b := launch(t, launchOptions{DataDir: dataB, Env: env})
	var test struct {
		Success bool `json:"success"`
	}
	b.api.do("POST", fmt.Sprintf("/api/instances/%d/test", instID), nil, &test)
	if !test.Success {
		t.Fatal("the restored instance's connection test failed")
	}
	var users []struct {
		Username string `json:"username"`
	}
	b.api.do("GET", "/api/users", nil, &users)
	if len(users) != 2 {
		t.Fatalf("restored users %+v", users)
	}
	// The commands pending at the backup are sent by the restored server.
	waitUntil(t, "the restored server to send the pending commands", 90*time.Second, func() bool {
		return len(commandPosts(simRequests(t, control), sonarr.Name)) > sentByA
	})
	t.Logf("%d rows of %d tables back; %d commands pending in the archive; the restored server sent more", len(after), len(backupTables), pendingRestored)
}

// checkPrivate checks that dir is 0700 and the named files in it 0600.
func checkPrivate(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, name := range names {
		p := filepath.Join(dir, name)
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		want := os.FileMode(0o600)
		if fi.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Fatalf("%s: mode %04o, want %04o", p, fi.Mode().Perm(), want)
		}
	}
}
