// Package domain holds Searcharr's entities, event kinds, topic names,
// metadata keys and sentinel errors. It imports only the standard library so
// every other package can depend on it.
package domain
