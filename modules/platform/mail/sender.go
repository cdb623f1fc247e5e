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

// marked is an error marked as of kind K: permanent or unavailable.
type marked[K any] struct{ err error }

func (e *marked[K]) Error() string { return e.err.Error() }
func (e *marked[K]) Unwrap() error { return e.err }

// mark marks err as of kind K (nil stays nil).
func mark[K any](err error) error {
	if err == nil {
		return nil
	}
	return &marked[K]{err: err}
}

// isMarked reports whether err, or an error it wraps, is marked as of kind K.
func isMarked[K any](err error) bool {
	var m *marked[K]
	return errors.As(err, &m)
}

// The kinds of marks.
type (
	permanent   struct{} // a failure that retrying will not fix
	unavailable struct{} // a failure of the server rather than of the message
)

// Permanent marks err as a failure that retrying will not fix (nil stays nil).
func Permanent(err error) error { return mark[permanent](err) }

// IsPermanent reports whether a Sender's error is permanent: marked with
// Permanent, or an invalid message (errs.Invalid).
func IsPermanent(err error) bool { return isMarked[permanent](err) || errs.Is(err, errs.Invalid) }

// Unavailable marks err as a failure of the server, or the way to it, rather
// than of the message (nil stays nil). The worker then pauses instead of
// trying every other due message against the same dead server.
func Unavailable(err error) error { return mark[unavailable](err) }

// IsUnavailable reports whether a Sender's error is marked with Unavailable.
func IsUnavailable(err error) bool { return isMarked[unavailable](err) }
