package authz_test

import (
	"testing"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/policies"
)

const policy = `
p, coordinator, /api/v1/sessions, GET, all
p, team_leader, /api/v1/sessions, GET, area
g, coordinator, member
p, member, /api/v1/me, GET, own
`

func TestDecideAnswersFromThePolicyEveryTime(t *testing.T) {
	en, err := authz.New(policies.Model, policy)
	if err != nil {
		t.Fatal(err)
	}
	again, err := authz.New(policies.Model, policy)
	if err != nil || again != en {
		t.Fatalf("New with the same policy gave %p, %v; want the first enforcer %p", again, err, en)
	}
	cases := []struct {
		role, route, method string
		ok                  bool
		scope               authz.ScopeKind
	}{
		{"coordinator", "/api/v1/sessions", "GET", true, authz.ScopeAll},
		{"team_leader", "/api/v1/sessions", "GET", true, authz.ScopeArea},
		{"ctv", "/api/v1/sessions", "GET", false, ""},
		{"coordinator", "/api/v1/sessions", "POST", false, ""},
		{"coordinator", "/api/v1/me", "GET", true, authz.ScopeOwn},
		{"", "/api/v1/me", "GET", false, ""},
	}
	for range 3 { // the first round asks Casbin, the others the memo
		for _, c := range cases {
			ok, scope := en.Decide(c.role, c.route, c.method)
			if ok != c.ok || scope != c.scope {
				t.Errorf("Decide(%q, %s %s) = %v, %q; want %v, %q", c.role, c.method, c.route, ok, scope, c.ok, c.scope)
			}
		}
	}
	if _, err := authz.New(policies.Model, policy+"p, ctv, /x, GET, everywhere\n"); err == nil {
		t.Error("a policy with an unknown scope loaded")
	}
}
