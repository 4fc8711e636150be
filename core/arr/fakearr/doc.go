// Package fakearr simulates Sonarr and Radarr for Searcharr's tests, demos
// and benchmarks.
//
// A [Sim] is an [http.Handler] that hosts any number of Sonarr and Radarr
// instances on one listener, each under its own URL base and API key. Every
// instance serves the part of the real `/api/v3` contract that Searcharr
// uses, quirks included (see testdata/arr-contracts/NOTES.md): the wanted
// lists with their sort-key whitelist, default descending direction and
// monitored filter; the command queue with de-duplication and the real
// messages; the download queue, history, calendar, tags and quality
// profiles; webhooks shaped like the real apps' payloads.
//
// Searches have consequences. A search command costs indexer searches
// (counted, and capped by an optional daily limit), sets lastSearchTime,
// finds a release for a deterministic subset of items, puts it in the
// download queue, sends a Grab webhook and, after the configured delay,
// imports it: the item gets a file, leaves wanted/missing or wanted/cutoff,
// and a Download webhook is sent.
//
// The library is generated from a seed and sizes, deterministically for a
// given seed, sizes and generation day; dates are placed around the clock's
// time at [New].
//
// # Control API
//
// Routes under /__fakearr/ need no API key:
//
//	GET    /__fakearr/instances                     instances: kind, name, url, apiKey, urlBase
//	GET    /__fakearr/requests?instance=&since=&after=  request log (since: RFC 3339 time, after: sequence number)
//	DELETE /__fakearr/requests                      reset the request log
//	GET    /__fakearr/counters?instance=            indexer searches (total and per command), commands, grabs, imports, webhooks
//	GET    /__fakearr/faults                        active faults
//	POST   /__fakearr/faults                        add a fault (JSON [Fault]); answers it with its id
//	DELETE /__fakearr/faults[?id=]                  remove one fault, or all
//	GET    /__fakearr/webhooks?instance=            webhook deliveries
//	PUT    /__fakearr/webhooks/{instance}           set the webhook connection {url, method, username, password}
//	POST   /__fakearr/webhooks/{instance}/{event}   send a webhook: Test, SeriesAdd, MovieAdded,
//	                                                EpisodeFileDelete (?episodeId=), MovieFileDelete (?movieId=),
//	                                                Health, HealthRestored; file deletes remove the file
//	POST   /__fakearr/clock/advance?d=1h            advance a [ManualClock] (409 with a real clock)
//
// A fault matches requests of one instance (or all) whose path, relative to
// the instance's URL base, starts with a prefix; it can add latency, hang
// until the request's context ends, answer a fixed status (429 with
// Retry-After), fail at a given rate, or answer malformed JSON. A fault with
// IndexersFailing makes the instance's searches fail and raises a Health
// webhook.
package fakearr
