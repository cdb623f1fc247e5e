package demo_test

import (
	"testing"

	"github.com/ctvacademy/academy/modules/accounts"
	"github.com/ctvacademy/academy/modules/demo"
)

// The demo accounts are the network's emails still sharing the loader's
// one hash: not another account with that hash, not a network account
// whose password was changed, not a lone network account.
func TestDemoAccountsAreTheNetworksEmailsSharingTheLoadersHash(t *testing.T) {
	t.Parallel()
	var n demo.Network
	n.Staff = []demo.Staff{{Email: "DieuPhoi@example.vn", Role: "coordinator"}, {Email: "lanhdao@example.vn", Role: "leadership"}}
	n.Collaborators = []demo.Person{{Email: "a@example.vn"}, {Email: "b@example.vn"}}
	users := []accounts.User{
		{ID: "1", Email: "dieuphoi@example.vn", PasswordHash: "shared"},
		{ID: "2", Email: "lanhdao@example.vn", PasswordHash: "shared"},
		{ID: "3", Email: "a@example.vn", PasswordHash: "shared"},
		{ID: "4", Email: "b@example.vn", PasswordHash: "their-own"},
		{ID: "5", Email: "admin@example.vn", PasswordHash: "shared"},
	}
	got := demo.Accounts(n, users)
	if len(got) != 3 || got[0].ID != "3" || got[1].ID != "1" || got[2].ID != "2" {
		t.Errorf("demo accounts %+v, want a, dieuphoi and lanhdao", got)
	}
	// One network account with a hash of its own is no group.
	if got := demo.Accounts(n, users[3:]); len(got) != 0 {
		t.Errorf("demo accounts %+v, want none", got)
	}
}
