package collaborators

import "testing"

// The registry takes only addresses a mailer can send to: an invitation to
// `an..b@example.vn` was refused for the whole district when it was sent.
func TestEmailMustBeSendable(t *testing.T) {
	t.Parallel()
	for email, ok := range map[string]bool{
		"lan.nguyen@example.vn":    true,
		"a+b_c-d%e@sub.example.vn": true,
		"x@long-name.example.com":  true,
		"an..b@example.vn":         false,
		".a@example.vn":            false,
		"a.@example.vn":            false,
		"a@example..vn":            false,
		"a@-example.vn":            false,
		"a@example-.vn":            false,
		"a@.example.vn":            false,
		"a@example":                false,
		"nope":                     false,
	} {
		if got := emailRe.MatchString(email); got != ok {
			t.Errorf("%q: accepted %v, want %v", email, got, ok)
		}
	}
}
