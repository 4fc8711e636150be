// Package sdk is the public SDK for Searcharr strategy plugins.
//
// A strategy decides what Searcharr searches for in one run of a search
// queue: given what started the run, the queue's configuration, a budget
// and read-only access to the Sonarr or Radarr library, it returns ranked
// search intents with a reason for each, and a decision for every item it
// looked at. Searcharr applies its own policy (cooldowns, exclusions, items
// already downloading, the budget) and sends the commands. A strategy never
// talks to Sonarr or Radarr itself and never sees their URL or API key.
//
// A plugin is an ordinary Go program that implements [Strategy] and calls
// [Serve] from main. Searcharr starts it as a child process and talks to it
// over gRPC (HashiCorp go-plugin); the plugin only ever sees the Go types of
// this package.
//
// # Writing a plugin, step by step
//
// 1. Create a module and depend on the SDK:
//
//	mkdir anime-first && cd anime-first
//	go mod init example.com/anime-first
//	go get github.com/vibequality/searcharr/sdk
//
// 2. Implement Strategy. Info names the strategy and documents its
// configuration with a JSON Schema; Validate checks a queue's configuration
// and returns [ConfigErrors] naming each field at fault; Plan reads
// candidates through [PlanRequest].Library and fills [PlanRequest].Budget:
//
//	type animeFirst struct{}
//
//	func (animeFirst) Info(context.Context) (sdk.Info, error) {
//		return sdk.Info{
//			Name:          "anime-first",
//			Version:       "1.0.0",
//			Description:   "Searches missing anime episodes before anything else.",
//			ConfigSchema:  json.RawMessage(`{"type":"object","additionalProperties":false}`),
//			InstanceKinds: []sdk.InstanceKind{sdk.Sonarr},
//		}, nil
//	}
//
//	func (animeFirst) Validate(_ context.Context, config json.RawMessage) error {
//		var opts map[string]any
//		if len(config) > 0 && json.Unmarshal(config, &opts) != nil {
//			return sdk.Invalid("", "must be a JSON object")
//		}
//		for key := range opts {
//			return sdk.Invalid(key, "unknown option")
//		}
//		return nil
//	}
//
//	func (animeFirst) Plan(ctx context.Context, req sdk.PlanRequest) (sdk.Plan, error) {
//		var plan sdk.Plan
//		cost := 0
//		for page := 1; ; page++ {
//			res, err := req.Library.WantedMissing(ctx, sdk.WantedQuery{Page: page, PageSize: 250})
//			if err != nil {
//				return sdk.Plan{}, err // includes ctx.Err() when the run is cancelled
//			}
//			for _, it := range res.Items {
//				aired := it.Released()
//				if it.SeriesType != "anime" || aired == nil || aired.After(req.Now) {
//					plan.Decisions = append(plan.Decisions, sdk.Decision{Item: it.Key, Reason: "filtered: not aired anime"})
//					continue
//				}
//				intent := sdk.Intent{
//					Command: sdk.SearchEpisodes(it.Key.ID),
//					Items:   []sdk.ItemKey{it.Key},
//					Reason:  "anime, aired " + aired.Format("2006-01-02"),
//				}
//				if !req.Budget.Fits(len(plan.Intents)+1, cost+intent.Cost()) {
//					return plan, nil
//				}
//				cost += intent.Cost()
//				plan.Intents = append(plan.Intents, intent)
//				plan.Decisions = append(plan.Decisions, sdk.Decision{Item: it.Key, Kept: true, Reason: intent.Reason})
//			}
//			if len(res.Items) == 0 || page*res.PageSize >= res.TotalRecords {
//				return plan, nil
//			}
//		}
//	}
//
// Use req.Now, never time.Now, and break ties explicitly: the same input must
// give the same plan. Pass ctx to every Library call and return when it is
// done. The host may call a strategy concurrently for several runs, so keep
// per-run state in Plan, not in the strategy value.
//
// 3. Serve it from main:
//
//	func main() { sdk.Serve(animeFirst{}) }
//
// Serve does the go-plugin handshake ([ProtocolVersion], gRPC only) and
// serves until Searcharr stops the plugin. Started by hand, the program
// prints a notice and exits: it only runs under Searcharr. Log to standard
// error; Searcharr copies it into its own log under the plugin's name.
//
// 4. Test it with package sdktest, which runs the strategy in-process over
// real gRPC, against an in-memory Library:
//
//	func TestConformance(t *testing.T) {
//		sdktest.Conformance(t, animeFirst{}, sdktest.Options{
//			InvalidConfigs: []sdktest.InvalidConfig{
//				{Config: json.RawMessage(`{"colour":"blue"}`), Path: "colour"},
//			},
//		})
//	}
//
//	func TestAnimeFirst(t *testing.T) {
//		day := sdktest.At(sdktest.DefaultNow.AddDate(0, 0, -3))
//		anime := sdktest.Episode(1, 7, 1, 1, day)
//		anime.SeriesType = "anime"
//		lib := sdktest.NewLibrary(sdktest.LibraryData{
//			Items: []sdk.Item{anime, sdktest.Episode(2, 8, 1, 1, day)},
//		})
//		s := sdktest.Connect(t, animeFirst{})
//		plan, err := s.Plan(context.Background(), sdk.PlanRequest{
//			Instance: sdk.Instance{Kind: sdk.Sonarr},
//			Now:      sdktest.DefaultNow,
//			Library:  lib,
//		})
//		// assert plan.Intents holds one EpisodeSearch for episode 1 ...
//	}
//
// The conformance suite checks Info, Validate with valid and invalid
// configurations, the budget, cancellation, well-formed intents and
// decisions, and determinism. Every built-in strategy passes it too.
//
// 5. Build the executable into Searcharr's plugin directory and restart
// Searcharr:
//
//	go build -o /var/lib/searcharr/plugins/anime-first .
//	SEARCHARR_PLUGIN_DIR=/var/lib/searcharr/plugins searcharr serve
//
// Searcharr finds the executable at start, asks it for its Info and lists it
// with `searcharr plugins list`. A search queue then selects it by name.
//
// A complete example lives in the repository's examples/fewest-searches
// folder; the built-in plugins/missing strategy is written the same way.
//
// # Compatibility
//
// [ProtocolVersion] is the SDK's major version. Searcharr refuses plugins
// built for another protocol version. Within a major version, fields may be
// added to the types of this package; a plugin built against an older minor
// version keeps working and sees their zero values.
package sdk
