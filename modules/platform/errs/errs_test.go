package errs_test

import (
	"fmt"
	"testing"

	"github.com/ctvacademy/academy/modules/platform/errs"
)

// OnField is true for an error of the kind naming the one field, wrapped
// or not, and false for another kind, another field or more fields.
func TestOnField(t *testing.T) {
	t.Parallel()
	two := errs.Fields(errs.Invalid, "two", []errs.FieldError{{Field: "a"}, {Field: "b"}})
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{errs.Field("a", "is required"), true},
		{fmt.Errorf("create: %w", errs.Field("a", "is required")), true},
		{errs.Field("b", "is required"), false},
		{errs.Fields(errs.Conflict, "taken", []errs.FieldError{{Field: "a"}}), false},
		{two, false},
		{nil, false},
	} {
		if got := errs.OnField(tc.err, errs.Invalid, "a"); got != tc.want {
			t.Errorf("OnField(%v, Invalid, a) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
