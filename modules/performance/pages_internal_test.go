package performance

import (
	"testing"

	"github.com/ctvacademy/academy/modules/platform/authz"
)

// TestPageRights: the form and buttons each role is offered, by the
// record's status; a coordinator is never offered to approve their own.
func TestPageRights(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		role, status                string
		own                         bool
		edit, targets, sub, approve bool
	}{
		{authz.RoleCTV, Draft, true, true, false, false, false},
		{authz.RoleCTV, Submitted, true, false, false, false, false},
		{authz.RoleTeamLeader, Draft, false, true, false, true, false},
		{authz.RoleTeamLeader, Submitted, false, true, false, false, false},
		{authz.RoleTeamLeader, Approved, false, false, false, false, false},
		{authz.RoleCoordinator, Draft, false, true, true, true, false},
		{authz.RoleCoordinator, Submitted, false, true, true, false, true},
		{authz.RoleCoordinator, Submitted, true, true, true, false, false},
		{authz.RoleCoordinator, Approved, false, false, false, false, false},
		{authz.RoleAdmin, Submitted, false, true, true, false, false},
		{authz.RoleLeadership, Draft, false, false, false, false, false},
		{authz.RoleLeadership, Submitted, false, false, false, false, false},
	} {
		d := recordPageData{R: Record{Status: tc.status}, Own: tc.own}
		rights(&d, authz.Principal{Role: tc.role})
		if d.CanEdit != tc.edit || d.CanTargets != tc.targets || d.CanSubmit != tc.sub || d.CanApprove != tc.approve {
			t.Errorf("%s on a %s record (own %v): edit %v targets %v submit %v approve %v; want %v %v %v %v", tc.role, tc.status, tc.own,
				d.CanEdit, d.CanTargets, d.CanSubmit, d.CanApprove, tc.edit, tc.targets, tc.sub, tc.approve)
		}
	}
}
