// Package sdktest tests Searcharr strategy plugins the way Searcharr runs
// them: in-process, but over real gRPC and go-plugin's broker.
//
//   - Connect serves a strategy and returns the host's client for it.
//   - Library is an in-memory Library built from items, series, a download
//     queue and search state; it pages and sorts its wanted lists like
//     Sonarr and Radarr do and records every call.
//   - Conformance is the suite every plugin runs, built-in or third-party:
//     Info, Validate, the budget, cancellation, well-formed intents,
//     decisions and determinism, all through Connect.
//
// A plugin's test usually needs only a few lines:
//
//	func TestConformance(t *testing.T) {
//		sdktest.Conformance(t, mystrategy.New(), sdktest.Options{
//			ValidConfigs:   []json.RawMessage{nil, json.RawMessage(`{"order":"newest"}`)},
//			InvalidConfigs: []sdktest.InvalidConfig{{Config: json.RawMessage(`{"order":1}`), Path: "order"}},
//		})
//	}
package sdktest
