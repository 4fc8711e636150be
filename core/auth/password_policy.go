package auth

import (
	_ "embed"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Password length bounds, in characters. The upper bound keeps hashing cost
// bounded; it is far above any passphrase a person types.
const (
	MinPasswordLength = 12
	MaxPasswordLength = 256
)

//go:embed common_passwords.txt
var commonPasswordList string

// commonPasswords is the embedded list of passwords attackers try first,
// lowercased.
var commonPasswords = func() map[string]struct{} {
	m := make(map[string]struct{})
	for _, line := range strings.Split(commonPasswordList, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			m[strings.ToLower(line)] = struct{}{}
		}
	}
	return m
}()

// PasswordError says why a password was refused, in words shown to the user.
type PasswordError struct{ Reason string }

// Error implements error.
func (e *PasswordError) Error() string { return "auth: password refused: " + e.Reason }

// CheckPassword applies the password policy: a length between
// MinPasswordLength and MaxPasswordLength characters, not a commonly used
// password (compared without regard to case, also with trailing digits and
// punctuation removed), not made of one repeated character, and not
// containing the username. It returns a *PasswordError when refused.
func CheckPassword(password, username string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLength:
		return &PasswordError{Reason: fmt.Sprintf("must be at least %d characters", MinPasswordLength)}
	case n > MaxPasswordLength:
		return &PasswordError{Reason: fmt.Sprintf("must be at most %d characters", MaxPasswordLength)}
	}
	lower := strings.ToLower(password)
	if isCommon(lower) {
		return &PasswordError{Reason: "is a commonly used password"}
	}
	if first, _ := utf8.DecodeRuneInString(lower); strings.Trim(lower, string(first)) == "" {
		return &PasswordError{Reason: "must not repeat a single character"}
	}
	if u := strings.ToLower(strings.TrimSpace(username)); len(u) >= 3 && strings.Contains(lower, u) {
		return &PasswordError{Reason: "must not contain the username"}
	}
	return nil
}

func isCommon(lower string) bool {
	if _, ok := commonPasswords[lower]; ok {
		return true
	}
	stem := strings.TrimRight(lower, "0123456789!@#$%^&*?.-_ ")
	_, ok := commonPasswords[stem]
	return ok && stem != ""
}
