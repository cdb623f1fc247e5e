package app_test

import (
	"testing"
)

// leadershipOwnAccount are the non-GET routes by which leadership changes
// nothing but their own account: signing out, their own password and the
// language of their mail.
var leadershipOwnAccount = map[string]bool{
	"POST /api/v1/auth/logout": true, "POST /logout": true, "POST /api/v1/me/password": true, "POST /me/password": true,
	"PATCH /api/v1/me": true,
}

// TestLeadershipChangesNothing: leadership reads across the network and
// changes nothing. In the authorization matrix's table (which
// TestAuthorizationMatrix holds to every registered route's real answers),
// every route that is not a GET answers leadership 403 on every target,
// except their own sign-out, password and language, and the public routes (sign-in,
// password reset, activation, an invitation's RSVP token), where
// leadership gets what the signed-out caller gets.
func TestLeadershipChangesNothing(t *testing.T) {
	t.Parallel()
	table := readMatrix(t)
	denied, public := 0, 0
	for k, class := range table {
		if k.role != "leadership" || k.method == "GET" {
			continue
		}
		route := k.method + " " + k.route
		anon := table[matrixKey{k.route, k.method, "anonymous", k.target}]
		switch {
		case class == outDeny403:
			denied++
		case leadershipOwnAccount[route]:
		case anon != outDeny401 && anon == class:
			public++ // no more than a signed-out caller may do
		default:
			t.Errorf("%s (%s) answers leadership %s (the signed-out caller %s): leadership changes nothing", route, k.target, class, anon)
		}
	}
	t.Logf("leadership: %d non-GET cells denied, %d public ones answered as to the signed-out", denied, public)
	if denied < 80 {
		t.Errorf("only %d non-GET cells deny leadership: the table lost its reach", denied)
	}
}
