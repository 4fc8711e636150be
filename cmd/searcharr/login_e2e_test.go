package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentLoginsBoundMemory: 100 logins at once, each for a distinct
// unknown username from a distinct client address (behind a trusted proxy,
// so no address limit refuses them), each costing an argon2id hash of
// 19 MiB. Hashes wait for the memory budget, so the server's peak resident
// memory (VmHWM, read from /proc) stays under 200 MB; without a bound it
// passes 1.5 GB. No login succeeds.
func TestConcurrentLoginsBoundMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	s := launch(t, launchOptions{Register: true, Env: []string{"SEARCHARR_TRUSTED_PROXIES=127.0.0.1"}})
	pid := s.proc.cmd.Process.Pid
	// Start the peak afresh (Linux: 5 in clear_refs resets VmHWM), so it
	// measures the logins and not the start-up.
	if err := os.WriteFile(filepath.Join("/proc", strconv.Itoa(pid), "clear_refs"), []byte("5"), 0); err != nil {
		t.Fatalf("reset the peak RSS: %v", err)
	}
	t.Logf("before the logins: VmRSS %d kB", procStatusKB(t, pid, "VmRSS"))
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		statuses = map[int]int{}
	)
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf(`{"username":"nobody-%d","password":"correct horse battery staple"}`, i)
			req, _ := http.NewRequest("POST", s.api.base+"/api/auth/login", bytes.NewBufferString(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i))
			resp, err := http.DefaultClient.Do(req)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("login %d: %v", i, err)
				return
			}
			resp.Body.Close()
			statuses[resp.StatusCode]++
		}()
	}
	wg.Wait()
	if statuses[http.StatusUnauthorized] != 100 {
		t.Errorf("100 logins of unknown users answered %v, want 100×401", statuses)
	}
	peak := procStatusKB(t, pid, "VmHWM")
	t.Logf("searcharr peak RSS after 100 concurrent logins: %d kB", peak)
	if peak >= 200*1000 {
		t.Fatalf("peak RSS %d kB, want under 200 MB: concurrent password hashing is not bounded", peak)
	}
}

// procStatusKB reads one kB field (VmRSS, VmHWM) of /proc/PID/status.
func procStatusKB(t *testing.T, pid int, field string) int {
	t.Helper()
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				t.Fatal(err)
			}
			return kb
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}
