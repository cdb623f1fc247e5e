// Package errs defines the error kinds every module returns and the one
// mapping from a kind to an HTTP status.
package errs

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Kind classifies an error by what the client should do about it.
type Kind int

// The error kinds. Internal is the zero value: anything unclassified is a
// server fault and is never shown to the client in detail.
const (
	Internal Kind = iota
	Invalid
	Unauthorized
	Forbidden
	NotFound
	Conflict
	Gone
	TooLarge
	UnsupportedMedia
	Unprocessable
	TooManyRequests
)

// FieldError names one bad field of the input and says what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is a classified error with a message safe to show to the client.
type Error struct {
	Kind       Kind
	Message    string
	Fields     []FieldError
	RetryAfter time.Duration
	Err        error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// E builds a classified error with a client-safe message.
func E(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Field builds an Invalid error about one field.
func Field(field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Kind: Invalid, Message: "invalid input: " + field + ": " + msg, Fields: []FieldError{{Field: field, Message: msg}}}
}

// Fields builds an error of the given kind listing several field problems.
func Fields(kind Kind, message string, fields []FieldError) *Error {
	return &Error{Kind: kind, Message: message, Fields: fields}
}

// KindOf returns the kind of err, Internal when it carries none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// Is reports whether err is of the given kind.
func Is(err error, kind Kind) bool { return err != nil && KindOf(err) == kind }

// OnField reports whether err is of the given kind and names one field,
// field, alone: the answer to one refused input.
func OnField(err error, kind Kind, field string) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == kind && len(e.Fields) == 1 && e.Fields[0].Field == field
}

// Status maps a kind to its HTTP status code.
func Status(kind Kind) int {
	switch kind {
	case Invalid:
		return http.StatusBadRequest
	case Unauthorized:
		return http.StatusUnauthorized
	case Forbidden:
		return http.StatusForbidden
	case NotFound:
		return http.StatusNotFound
	case Conflict:
		return http.StatusConflict
	case Gone:
		return http.StatusGone
	case TooLarge:
		return http.StatusRequestEntityTooLarge
	case UnsupportedMedia:
		return http.StatusUnsupportedMediaType
	case Unprocessable:
		return http.StatusUnprocessableEntity
	case TooManyRequests:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// Wrap annotates a non-nil *errp with the operation name, keeping its kind.
// Use it as `defer errs.Wrap(&err, "Service.Create(%q)", id)`.
func Wrap(errp *error, format string, args ...any) {
	if *errp == nil {
		return
	}
	var e *Error
	if errors.As(*errp, &e) {
		// Classified errors already carry a client message; keep them as they are.
		return
	}
	*errp = fmt.Errorf(format+": %w", append(args, *errp)...)
}
