package scheduling_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/clock"
)

// The roster's walk-in code field is labelled as a sentence of its own:
// "Hoặc nhập…" after the list of the unit's people not invited, "Nhập…"
// when that list is empty — never a bare "hoặc" with nothing before it.
func TestRosterWalkInCodeLabelReadsOnItsOwn(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	s := apptest.Start(t, apptest.Options{Clock: clock.NewManual(start.Add(-2 * time.Hour))})
	coord := s.LoginDemo(t, apptest.Coordinator)
	x := newSession(t, s, coord, map[string]any{"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(3 * time.Hour).Format(time.RFC3339)})
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
