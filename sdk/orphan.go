package sdk

import (
	"os"
	"time"
)

// exitWithParent ends the plugin process once the process that started it
// is gone. The host stops its plugins when it shuts down; a host that is
// killed outright (kill -9, the out-of-memory killer) cannot, and its
// plugins would otherwise run on, orphaned, forever.
func exitWithParent(every time.Duration) {
	parent := os.Getppid()
	if parent <= 1 {
		return // not started by a host process
	}
	go func() {
		for range time.Tick(every) {
			if os.Getppid() != parent {
				os.Exit(0)
			}
		}
	}()
}
