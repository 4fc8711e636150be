// Package arr is the HTTP client for Sonarr v4 and Radarr, both on /api/v3.
//
// A Client talks to one instance. It reads the wanted lists, the download
// queue, the library, the calendar, tags, quality profiles and the grab
// history, and sends the four search commands Searcharr uses. Every record
// it reads can be turned into a normalized domain.Item.
//
// The API key travels only in the X-Api-Key header: never in a URL, an
// error or a log line. Redirects are not followed. Reads are retried with
// exponential backoff and jitter on connection errors, 5xx and 429 answers;
// commands are never retried automatically. Every failure is an *Error whose
// Kind says what went wrong and what the user can do about it; compare with
// errors.Is against ErrUnauthorized, ErrNotFound, ErrWrongApp and the other
// sentinels.
//
// Paged lists are decoded as a stream: records are converted one at a time
// and handed to a callback, so a page of thousands of records never sits in
// memory as a whole.
package arr
