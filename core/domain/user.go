package domain

import "time"

// User is an account that owns instances, queues, history and sinks. The
// first user created is the administrator.
type User struct {
	ID           int64
	Username     string
	PasswordHash string
	IsAdmin      bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}
