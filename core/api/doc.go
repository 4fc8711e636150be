// Package api is Searcharr's REST API: a Fiber app with huma v2 operations,
// one file per resource, described by the OpenAPI 3.1 document at
// /openapi.json and browsable at /docs.
//
// Every route requires authentication (a bearer access token, a personal
// API key in X-Api-Key, or the access-token cookie) except the short list in
// publicRoutes. Every resource is scoped to its owner: another user's
// instance, queue or run answers 404. Errors are application/problem+json
// and name the field at fault.
//
// The package depends on its collaborators through the interfaces in
// deps.go only; package apiwire adapts the concrete store, bus, plugin host
// and arr client to them.
package api
