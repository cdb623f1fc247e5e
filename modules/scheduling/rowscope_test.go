package scheduling_test

import (
	"bytes"
	"encoding/csv"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/scheduling"
	"github.com/xuri/excelize/v2"
)

// ctvsOf returns the active CTVs of a district.
func ctvsOf(t *testing.T, s *apptest.Server, area string) []collaborators.Collaborator {
	t.Helper()
	var out []collaborators.Collaborator
	for _, c := range s.Collaborators(t) {
		if c.AreaCode == area && c.Role == "ctv" && !c.Archived {
			out = append(out, c)
		}
	}
	if len(out) < 3 {
		t.Fatalf("%s has %d CTVs", area, len(out))
	}
	return out
}

// TestTeamLeaderKeepsToTheirDistrictInsideASession is issue 8, defect 1: on
// a session open to the whole network a team leader could mark and list
// other districts' people. Every write naming someone of another district
// answers 404 and changes nothing; every list, sheet, roster and export
// the leader reads holds only their district's people.
func TestTeamLeaderKeepsToTheirDistrictInsideASession(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC) // 08:00 in Vietnam
	clk := clock.NewManual(start.Add(-2 * time.Hour))
	s := apptest.Start(t, apptest.Options{Clock: clk})
	coord := s.LoginDemo(t, apptest.Coordinator)
	at := times(start, 3*time.Hour)
	network := newSession(t, s, coord, map[string]any{"area_code": "", "title": "Tập huấn toàn mạng lưới", "starts_at": at["starts_at"], "ends_at": at["ends_at"]})
	own := newSession(t, s, coord, at) // for NT

	nt, lt, tb := ctvsOf(t, s, "NT"), ctvsOf(t, s, "LT"), ctvsOf(t, s, "TB")
	a, b, c := nt[0], nt[1], nt[2]
	o1, o2, o3 := lt[0], tb[0], lt[1]
	for _, inv := range []struct {
		id  string
		ids []string
	}{{network.ID, []string{a.ID, b.ID, o1.ID}}, {own.ID, []string{a.ID, b.ID}}} {
		if r := s.Do(t, "POST", "/api/v1/sessions/"+inv.id+"/invitations", coord, map[string]any{"collaborator_ids": inv.ids}); r.Status != 200 {
			t.Fatalf("invite: %d %s", r.Status, r.Body)
		}
	}
	clk.Set(start.Add(10 * time.Minute))
	// The coordinator marks an NT invitee, an LT invitee and a TB walk-in.
	if r := s.Do(t, "PUT", "/api/v1/sessions/"+network.ID+"/attendance", coord, []map[string]string{
		{"collaborator_id": a.ID, "status": "present"}, {"collaborator_id": o1.ID, "status": "late"}, {"collaborator_id": o2.ID, "status": "present"}}); r.Status != 200 {
		t.Fatalf("coordinator marks: %d %s", r.Status, r.Body)
	}

	leaderRec := s.Find(t, "team_leader", "NT")
	leader := s.LoginDemo(t, leaderRec.Email)
	ntPeople := map[string]bool{leaderRec.ID: true}
	for _, x := range nt {
		ntPeople[x.ID] = true
	}
	names := map[string]string{o1.ID: o1.FullName, o2.ID: o2.FullName, o3.ID: o3.FullName}

	// Writes naming another district's person: 404 naming the line, and
	// the sheet as it was.
	writes := []struct {
		name    string
		session string
		lines   []map[string]string
		field   string
	}{
		{"another district's invitee on a network-wide session", network.ID, []map[string]string{{"collaborator_id": o1.ID, "status": "excused"}}, "[0].collaborator_id"},
		{"another district's walk-in on a network-wide session", network.ID, []map[string]string{{"collaborator_id": o3.ID, "status": "present"}}, "[0].collaborator_id"},
		{"with a line of the leader's own district", network.ID, []map[string]string{{"collaborator_id": b.ID, "status": "present"}, {"collaborator_id": o2.ID, "status": "absent"}}, "[1].collaborator_id"},
		{"another district's walk-in on the leader's own session", own.ID, []map[string]string{{"collaborator_id": o3.ID, "status": "present"}}, "[0].collaborator_id"},
	}
	for _, w := range writes {
		before := getSession(t, s, w.session)
		r := s.Do(t, "PUT", "/api/v1/sessions/"+w.session+"/attendance", leader, w.lines)
		if r.Status != 404 || !r.Problem(t).HasField(w.field) {
			t.Errorf("%s: %d %s, want 404 naming %s", w.name, r.Status, r.Body, w.field)
		}
		if after := getSession(t, s, w.session); !reflect.DeepEqual(before.Attendance, after.Attendance) {
			t.Errorf("%s changed the sheet: %+v → %+v", w.name, before.Attendance, after.Attendance)
		}
	}
	// An unknown person answers the same: the two cannot be told apart.
	if r := s.Do(t, "PUT", "/api/v1/sessions/"+network.ID+"/attendance", leader, []map[string]string{{"collaborator_id": "nobody", "status": "present"}}); r.Status != 404 || !r.Problem(t).HasField("[0].collaborator_id") {
		t.Errorf("unknown person: %d %s", r.Status, r.Body)
	}

	// The leader's own district: marks and walk-ins go through, and the
	// answer lists only NT people.
	var sheet scheduling.AttendanceView
	r := s.Do(t, "PUT", "/api/v1/sessions/"+network.ID+"/attendance", leader, []map[string]string{{"collaborator_id": b.ID, "status": "excused"}, {"collaborator_id": c.ID, "status": "present"}})
	if r.Status != 200 {
		t.Fatalf("leader marks NT people: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &sheet)
	checkSheet := func(what string, sheet scheduling.AttendanceView, want int) {
		t.Helper()
		for _, m := range sheet.Items {
			if !ntPeople[m.CollaboratorID] {
				t.Errorf("%s lists %s (%s)", what, m.CollaboratorID, names[m.CollaboratorID])
			}
		}
		if len(sheet.Items) != want {
			t.Errorf("%s lists %d marks, want %d: %+v", what, len(sheet.Items), want, sheet.Items)
		}
	}
	checkSheet("the answer to the leader's marks", sheet, 3) // a, b, c
	got := getSession(t, s, network.ID)
	if markOf(got, b.ID) != "excused" || markOf(got, c.ID) != "present" || markOf(got, o1.ID) != "late" || markOf(got, o2.ID) != "present" {
		t.Errorf("marks after the leader's: %+v", got.Attendance)
	}

	// Reads: the sheet, the invitations, the exports.
	s.Do(t, "GET", "/api/v1/sessions/"+network.ID+"/attendance", leader, nil).JSON(t, &sheet)
	checkSheet("the leader's attendance sheet", sheet, 3)
	s.Do(t, "GET", "/api/v1/sessions/"+network.ID+"/attendance", coord, nil).JSON(t, &sheet)
	if len(sheet.Items) != 5 {
		t.Errorf("the coordinator's sheet has %d marks, want 5", len(sheet.Items))
	}
	var invs struct {
		Items []scheduling.InvitationView `json:"items"`
		Total int                         `json:"total"`
	}
	s.Do(t, "GET", "/api/v1/sessions/"+network.ID+"/invitations", leader, nil).JSON(t, &invs)
	if invs.Total != 2 || len(invs.Items) != 2 {
		t.Errorf("the leader sees %d invitations, want 2 (a, b): %+v", invs.Total, invs.Items)
	}
	for _, inv := range invs.Items {
		if inv.AreaCode != "NT" || !ntPeople[inv.CollaboratorID] {
			t.Errorf("the leader sees the invitation of %s (%s)", inv.Name, inv.AreaCode)
		}
	}
	s.Do(t, "GET", "/api/v1/sessions/"+network.ID+"/invitations", coord, nil).JSON(t, &invs)
	if invs.Total != 3 {
		t.Errorf("the coordinator sees %d invitations, want 3", invs.Total)
	}
	for _, q := range []string{"session_id=" + network.ID, "from=2026-12-01&to=2026-12-31"} {
		r := s.Do(t, "GET", "/api/v1/attendance/export.csv?"+q, leader, nil)
		if r.Status != 200 {
			t.Fatalf("csv %s: %d %s", q, r.Status, r.Body)
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		r = s.Do(t, "GET", "/api/v1/attendance/export.xlsx?"+q, leader, nil)
		f, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatalf("xlsx %s: %d %v", q, r.Status, err)
		}
		xrows, _ := f.GetRows(f.GetSheetList()[0])
		for kind, rows := range map[string][][]string{"csv": rows, "xlsx": xrows} {
			if len(rows) < 2 {
				t.Errorf("%s %s: no lines", kind, q)
			}
			for _, row := range rows[1:] {
				if row[9] != "Huyện Nhơn Trạch" {
					t.Errorf("%s %s has a line of %s: %v", kind, q, row[9], row)
				}
			}
		}
	}
	if r := s.Do(t, "GET", "/api/v1/collaborators/"+o1.ID+"/attendance", leader, nil); r.Status != 404 {
		t.Errorf("the attendance rate of another district's person: %d", r.Status)
	}
	if r := s.Do(t, "GET", "/api/v1/collaborators/"+a.ID+"/attendance", leader, nil); r.Status != 200 {
		t.Errorf("the attendance rate of the leader's own district: %d", r.Status)
	}

	// Pages: the roster and the session page name nobody of another
	// district; forged roster fields change nothing.
	f := s.Forms(t, leader)
	roster := "/sessions/" + network.ID + "/roster"
	page := f.Get(roster)
	if page.Status != 200 || !strings.Contains(page.Body, `data-id="`+a.ID+`"`) {
		t.Fatalf("roster: %d", page.Status)
	}
	for id, name := range names {
		if strings.Contains(page.Body, id) || strings.Contains(page.Body, name) {
			t.Errorf("the leader's roster shows %s of another district", name)
		}
	}
	if sp := f.Get("/sessions/" + network.ID); sp.Status != 200 || !strings.Contains(sp.Body, a.FullName) || strings.Contains(sp.Body, o1.FullName) {
		t.Errorf("the leader's session page: %d, shows %s: %v", sp.Status, o1.FullName, strings.Contains(sp.Body, o1.FullName))
	}
	f.Get(roster)
	before := getSession(t, s, network.ID)
	if r := f.Post(roster, url.Values{"st." + o1.ID: {"absent"}, "st." + b.ID: {"absent"}, "action": {"save"}}); r.Status != 404 || !strings.Contains(r.Body, "Không tìm thấy cộng tác viên này; chưa lưu gì.") {
		t.Errorf("a mark of another district's person by form: %d %q", r.Status, r.Location)
	}
	if markOf(getSession(t, s, network.ID), b.ID) != "excused" {
		t.Errorf("a refused form recorded its other line")
	}
	f.Get(roster)
	if r := f.Post(roster, url.Values{"action": {"all_present"}}); r.Status != 303 {
		t.Errorf("all present: %d", r.Status)
	}
	for _, w := range []struct{ session, id string }{{network.ID, o3.ID}, {own.ID, o3.ID}, {network.ID, o1.ID}} {
		ro := "/sessions/" + w.session + "/roster"
		f.Get(ro)
		r := f.Post(ro, url.Values{"walkin": {w.id}, "action": {"save"}})
		if r.Status != 404 || !strings.Contains(r.Body, "Không tìm thấy cộng tác viên này; chưa lưu gì.") {
			t.Errorf("walk-in %s on %s by form: %d", names[w.id], w.session, r.Status)
		}
	}
	after := getSession(t, s, network.ID)
	for _, id := range []string{o1.ID, o2.ID, o3.ID} {
		if markOf(before, id) != markOf(after, id) {
			t.Errorf("the leader's forms changed the mark of %s: %q → %q", names[id], markOf(before, id), markOf(after, id))
		}
	}
	if markOf(after, o3.ID) != "" || markOf(getSession(t, s, own.ID), o3.ID) != "" {
		t.Errorf("another district's person became a walk-in")
	}
	// "All present" marked the leader's unmarked invitees only: none left.
	if markOf(after, b.ID) != "excused" {
		t.Errorf("all present overwrote a mark: %q", markOf(after, b.ID))
	}

	// A session of another district stays 404 altogether.
	lx := newSession(t, s, coord, map[string]any{"area_code": "LT", "starts_at": at["starts_at"], "ends_at": at["ends_at"]})
	for _, path := range []string{"/api/v1/sessions/" + lx.ID + "/attendance", "/api/v1/sessions/" + lx.ID + "/invitations"} {
		if r := s.Do(t, "GET", path, leader, nil); r.Status != 404 {
			t.Errorf("GET %s: %d", path, r.Status)
		}
	}
	if r := s.Do(t, "PUT", "/api/v1/sessions/"+lx.ID+"/attendance", leader, []map[string]string{{"collaborator_id": a.ID, "status": "bogus"}}); r.Status != 404 {
		t.Errorf("PUT on another district's session: %d, want 404 before the lines are read", r.Status)
	}
}
