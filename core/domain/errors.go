package domain

import "errors"

// Sentinel errors shared across packages; compare with errors.Is.
var (
	// ErrNotFound reports that a requested entity does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict reports that a change conflicts with the current state.
	ErrConflict = errors.New("conflict")
	// ErrInvalid reports input that fails validation.
	ErrInvalid = errors.New("invalid input")
	// ErrUnauthorized reports missing or wrong credentials.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrBusy reports that the resource is already in use, such as a queue
	// that is already running.
	ErrBusy = errors.New("busy")
)
