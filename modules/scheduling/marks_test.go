package scheduling_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
)

// A mark's marked_at is written the same way by the answer to a PUT, the
// check-in and a later GET of the sheet: RFC 3339 in UTC to the
// millisecond, even when the clock has nanoseconds.
func TestMarkedAtHasOneFormat(t *testing.T) {
	t.Parallel()
	s, coord, x, clk := class(t, 5*time.Minute+123456789*time.Nanosecond)
	invitee, marked := s.Find(t, "ctv", "NT"), s.Find(t, "team_leader", "NT")
	s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/invitations", coord, map[string]any{"collaborator_ids": []string{invitee.ID, marked.ID}})

	stamp := regexp.MustCompile(`"marked_at":"([^"]*)"`)
	format := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$`)
	put := s.Do(t, "PUT", "/api/v1/sessions/"+x.ID+"/attendance", coord, []map[string]string{{"collaborator_id": marked.ID, "status": "present"}})
	if put.Status != 200 {
		t.Fatalf("PUT attendance: %d %s", put.Status, put.Body)
	}
	code, _, _, err := s.App.Scheduling.CurrentCode(context.Background(), authz.All, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(777777 * time.Nanosecond)
	checkin := s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/checkin", s.LoginDemo(t, invitee.Email), map[string]string{"code": code})
	if checkin.Status != 200 {
		t.Fatalf("check-in: %d %s", checkin.Status, checkin.Body)
	}
	get := s.Do(t, "GET", "/api/v1/sessions/"+x.ID+"/attendance", coord, nil)
	written := append(stamp.FindAllStringSubmatch(string(put.Body), -1), stamp.FindAllStringSubmatch(string(checkin.Body), -1)...)
	read := stamp.FindAllStringSubmatch(string(get.Body), -1)
	if len(written) != 2 || len(read) != 2 {
		t.Fatalf("marked_at: PUT and check-in %v, GET %v", written, read)
	}
	seen := map[string]bool{}
	for _, m := range read {
		seen[m[1]] = true
	}
	for _, m := range written {
		if !format.MatchString(m[1]) {
			t.Errorf("marked_at %q: want RFC 3339 in UTC with at most milliseconds", m[1])
		}
		if !seen[m[1]] {
			t.Errorf("marked_at %q answered at the write is not what GET answers: %s", m[1], get.Body)
		}
	}
}

// The roster's walk-in code field is labelled as a sentence of its own:
// "Hoặc nhập…" after the list of the unit's people not invited, "Nhập…"
// when that list is empty — never a bare "hoặc" with nothing before it.
func TestRosterWalkInCodeLabelReadsOnItsOwn(t *testing.T) {
	t.Parallel()
	s, coord, x, _ := class(t, -2*time.Hour)
	var nt []string
	for _, c := range s.Collaborators(t) {
		if c.AreaCode == "NT" && !c.Archived {
			nt = append(nt, c.ID)
		}
	}
	label := regexp.MustCompile(`<label for="walkin_code">([^<]*)</label>`)
	f := s.Forms(t, coord)
	roster := "/sessions/" + x.ID + "/roster"

	s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/invitations", coord, map[string]any{"collaborator_ids": nt[:1]})
	page := f.Get(roster)
	if m := label.FindStringSubmatch(page.Body); m == nil || m[1] != "Hoặc nhập mã cộng tác viên" || !regexp.MustCompile(`id="walkin"`).MatchString(page.Body) {
		t.Errorf("with the unit's list: label %v", m)
	}
	s.Do(t, "POST", "/api/v1/sessions/"+x.ID+"/invitations", coord, map[string]any{"collaborator_ids": nt})
	page = f.Get(roster)
	if m := label.FindStringSubmatch(page.Body); m == nil || m[1] != "Nhập mã cộng tác viên" || regexp.MustCompile(`id="walkin"`).MatchString(page.Body) {
		t.Errorf("with everyone of the unit invited: label %v", m)
	}
}
