package mail

import (
	"context"
	"errors"

	"github.com/ctvacademy/academy/modules/platform/errs"
)

// Sender delivers one message. Its error says whether trying again can help:
// IsPermanent(err) for a message the server refused for good (an SMTP 5xx
// answer, an invalid message); IsUnavailable(err) when the server, or the way
// to it, failed rather than the message (no connection, TLS, authentication,
// a dropped connection, a full disk); anything else (an SMTP 4xx answer) is a
// temporary failure of this message.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// permanentError marks a failure that retrying will not fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as a failure that retrying will not fix (nil stays nil).
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether a Sender's error is permanent: marked with
// Permanent, or an invalid message (errs.Invalid).
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p) || errs.Is(err, errs.Invalid)
}

// unavailableError marks a failure of the server rather than of the message.
type unavailableError struct{ err error }

func (e *unavailableError) Error() string { return e.err.Error() }
func (e *unavailableError) Unwrap() error { return e.err }

// Unavailable marks err as a failure of the server, or the way to it, rather
// than of the message (nil stays nil). The worker then pauses instead of
// trying every other due message against the same dead server.
func Unavailable(err error) error {
	if err == nil {
		return nil
	}
	return &unavailableError{err: err}
}

// IsUnavailable reports whether a Sender's error is marked with Unavailable.
func IsUnavailable(err error) bool {
	var u *unavailableError
	return errors.As(err, &u)
}
