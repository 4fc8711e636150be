package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
)

// procKB reads a "kB" field, such as VmHWM (peak RSS) or VmRSS, from
// /proc/PID/status; it returns -1 where that file does not exist.
func procKB(pid int, field string) int64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != field {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return -1
		}
		return n
	}
	return -1
}

var resetOK struct {
	sync.Mutex
	tried, ok bool
}

// resetPeak resets the VmHWM of a process ("self" or a pid) by writing 5 to
// its clear_refs (Linux 4.0 and later).
func resetPeak(proc string) {
	err := os.WriteFile("/proc/"+proc+"/clear_refs", []byte("5"), 0)
	resetOK.Lock()
	defer resetOK.Unlock()
	if !resetOK.tried {
		resetOK.tried, resetOK.ok = true, err == nil
	} else if err != nil {
		resetOK.ok = false
	}
}

// peakResettable reports whether every resetPeak so far succeeded.
func peakResettable() bool {
	resetOK.Lock()
	defer resetOK.Unlock()
	return resetOK.tried && resetOK.ok
}

// cpuModel is the first "model name" of /proc/cpuinfo, or "unknown CPU".
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if name, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// mib formats kilobytes as MiB; a negative value is "n/a".
func mib(kb int64) string {
	if kb < 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MiB", float64(kb)/1024)
}
