package notify_test

import (
	"os"
	"testing"

	"github.com/vibequality/searcharr/core/outbound"
	"github.com/vibequality/searcharr/core/outbound/outboundtest"
)

// testHosts stands in for DNS for every connection the tests' sinks make,
// including shoutrrr services on net/http's default transport.
var testHosts = outboundtest.NewHosts()

func TestMain(m *testing.M) {
	outbound.InstallDefault(outbound.NewDialer(outbound.Policy{}, testHosts))
	os.Exit(m.Run())
}
