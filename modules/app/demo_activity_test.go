package app_test

import (
	"context"
	"fmt"
	"html"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/scheduling"
)

// TestDemoHoldsSessionsAndResults starts the service on an empty database
// and loads the demo as `academy` does at first start (network, sample
// sessions and results): the sessions list has sessions over and to come
// for every course, a past session's invitations, answers and attendance
// and an upcoming one's invitations are there, delivered without a mail
// queued, results hold passes and failures, and the pages show them.
func TestDemoHoldsSessionsAndResults(t *testing.T) {
	t.Parallel()
	s := startWithActivity(t, nil)
	ctx := context.Background()
	if !s.App.DemoLoaded || s.App.DemoActivity == nil {
		t.Fatalf("demo loaded %v, activity %+v", s.App.DemoLoaded, s.App.DemoActivity)
	}
	now := time.Now()
	coord := s.LoginDemo(t, apptest.Coordinator)

	var sessions struct {
		Items []scheduling.SessionView `json:"items"`
		Total int                      `json:"total"`
	}
	r := s.Do(t, "GET", "/api/v1/sessions", coord, nil)
	if r.Status != 200 {
		t.Fatalf("GET /api/v1/sessions: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &sessions)
	var past, upcoming []scheduling.SessionView
	pastAreas := map[string][]string{}
	upcomingCourses := map[string]bool{}
	waitlisted := 0
	for _, x := range sessions.Items {
		if x.Invited == 0 {
			t.Errorf("session %s %q invites nobody", x.ID, x.Title)
		}
		waitlisted += x.Waitlisted
		switch {
		case x.EndsAt.Before(now):
			past = append(past, x)
			pastAreas[x.CourseCode] = append(pastAreas[x.CourseCode], x.AreaCode)
		case x.StartsAt.After(now):
			upcoming = append(upcoming, x)
			upcomingCourses[x.CourseCode] = true
		}
	}
	for _, code := range []string{"KC-101", "KC-102", "KC-103", "KC-104", "KC-105"} {
		if a := pastAreas[code]; len(a) < 2 || a[0] == a[1] {
			t.Errorf("%s: past sessions in units %v, want two in different units", code, a)
		}
		if !upcomingCourses[code] {
			t.Errorf("%s: no session to come", code)
		}
	}
	if len(past) == 0 || len(upcoming) == 0 {
		t.Fatalf("sessions: %d over, %d to come", len(past), len(upcoming))
	}
	if waitlisted == 0 {
		t.Error("no session has anyone on its waitlist")
	}

	type invitation = scheduling.InvitationView
	invitations := func(id string) []invitation {
		var out struct{ Items []invitation }
		r := s.Do(t, "GET", "/api/v1/sessions/"+id+"/invitations", coord, nil)
		if r.Status != 200 {
			t.Fatalf("invitations of %s: %d %s", id, r.Status, r.Body)
		}
		r.JSON(t, &out)
		return out.Items
	}
	responses := func(invs []invitation) map[string]int {
		out := map[string]int{}
		for _, inv := range invs {
			out[inv.Response]++
			if inv.Delivery != "sent" {
				t.Errorf("invitation of %s: delivery %q, want sent", inv.CollaboratorID, inv.Delivery)
			}
		}
		return out
	}

	// Over: answers and a mark for every invitee.
	pastResp := map[string]int{}
	marks := map[string]int{}
	for _, x := range past {
		invs := invitations(x.ID)
		for k, v := range responses(invs) {
			pastResp[k] += v
		}
		var att struct {
			Items []struct {
				CollaboratorID string `json:"collaborator_id"`
				Status         string `json:"status"`
			} `json:"items"`
		}
		r := s.Do(t, "GET", "/api/v1/sessions/"+x.ID+"/attendance", coord, nil)
		if r.Status != 200 {
			t.Fatalf("attendance of %s: %d %s", x.ID, r.Status, r.Body)
		}
		r.JSON(t, &att)
		if len(att.Items) != len(invs) {
			t.Errorf("session %s: %d marks for %d invitees", x.ID, len(att.Items), len(invs))
		}
		for _, m := range att.Items {
			marks[m.Status]++
		}
	}
	if pastResp["accepted"] == 0 || pastResp["declined"] == 0 {
		t.Errorf("answers to sessions over: %v", pastResp)
	}
	if marks["present"] == 0 || marks["absent"]+marks["excused"]+marks["late"] == 0 {
		t.Errorf("attendance of sessions over: %v", marks)
	}
	// To come: invitations, some answered, none marked.
	upResp := map[string]int{}
	for _, x := range upcoming {
		for k, v := range responses(invitations(x.ID)) {
			upResp[k] += v
		}
	}
	if upResp["pending"] == 0 || upResp["accepted"] == 0 {
		t.Errorf("answers to sessions to come: %v", upResp)
	}

	// No mail was queued, none written to the mail drop: the invitations
	// are in the sent archive.
	var box struct {
		Items []struct {
			Subject string `json:"subject"`
			Status  string `json:"status"`
		} `json:"items"`
		Total int `json:"total"`
	}
	r = s.Do(t, "GET", "/api/v1/outbox", coord, nil)
	r.JSON(t, &box)
	if r.Status != 200 || box.Total != 0 {
		t.Errorf("outbox (queued and failed): %d, %d items: %s", r.Status, box.Total, r.Body)
	}
	r = s.Do(t, "GET", "/api/v1/outbox?status=sent", coord, nil)
	r.JSON(t, &box)
	if want := s.App.DemoActivity.Invitations; box.Total != want || len(box.Items) == 0 || !strings.Contains(box.Items[0].Subject, "Thư mời") {
		t.Errorf("sent mail: %d (want %d), first %+v", box.Total, want, box.Items[:min(1, len(box.Items))])
	}
	if files, _ := filepath.Glob(filepath.Join(s.App.Config.DataDir, "mail", "*.eml")); len(files) > 0 {
		t.Errorf("the demo wrote %d mails to the mail drop", len(files))
	}

	// Graded attempts, passes and failures.
	var results struct {
		Items []struct {
			CollaboratorID string  `json:"collaborator_id"`
			CourseCode     string  `json:"course_code"`
			Status         string  `json:"status"`
			Score          float64 `json:"score"`
			Passed         bool    `json:"passed"`
		} `json:"items"`
		Total int `json:"total"`
	}
	r = s.Do(t, "GET", "/api/v1/attempts?limit=1000", coord, nil)
	if r.Status != 200 {
		t.Fatalf("GET /api/v1/attempts: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &results)
	passed, failed, takers := 0, 0, map[string]bool{}
	for _, a := range results.Items {
		if a.Status != "graded" {
			t.Errorf("attempt %+v is not graded", a)
		}
		if a.Passed {
			passed++
		} else {
			failed++
		}
		takers[a.CollaboratorID] = true
	}
	if passed == 0 || failed == 0 || len(takers) < 15 || results.Total != s.App.DemoActivity.Attempts {
		t.Errorf("attempts: %d passed, %d failed, %d takers, total %d (loaded %d)", passed, failed, len(takers), results.Total, s.App.DemoActivity.Attempts)
	}

	// The pages: a session over with its invitees, the week of one to
	// come, the sent mail, a course's results.
	f := s.Forms(t, coord)
	first := invitations(past[len(past)-1].ID)[0]
	if p := f.Get("/sessions/" + past[len(past)-1].ID); p.Status != 200 || !strings.Contains(html.UnescapeString(p.Body), first.Name) {
		t.Errorf("session page: %d, %q missing", p.Status, first.Name)
	}
	y, w := upcoming[0].StartsAt.In(time.FixedZone("ICT", 7*3600)).ISOWeek()
	if p := f.Get(fmt.Sprintf("/sessions?week=%d-W%02d", y, w)); p.Status != 200 || !strings.Contains(html.UnescapeString(p.Body), upcoming[0].Title) {
		t.Errorf("week page: %d, %q missing", p.Status, upcoming[0].Title)
	}
	if p := f.Get("/outbox?status=sent"); p.Status != 200 || !strings.Contains(html.UnescapeString(p.Body), "Thư mời") {
		t.Errorf("outbox page: %d, no invitation listed", p.Status)
	}

	// A collaborator with a result and an invitation to come sees both.
	var ctvID string
	for _, x := range upcoming {
		for _, inv := range invitations(x.ID) {
			if takers[inv.CollaboratorID] && ctvID == "" {
				ctvID = inv.CollaboratorID
			}
		}
	}
	if ctvID == "" {
		t.Fatal("nobody invited to a session to come has taken a quiz")
	}
	var person struct {
		Email string `json:"email"`
	}
	s.Do(t, "GET", "/api/v1/collaborators/"+ctvID, coord, nil).JSON(t, &person)
	ctv := s.LoginDemo(t, person.Email)
	var mine struct {
		Items []struct {
			ID         string `json:"id"`
			Title      string `json:"title"`
			MyResponse string `json:"my_response"`
		} `json:"items"`
	}
	s.Do(t, "GET", "/api/v1/me/sessions", ctv, nil).JSON(t, &mine)
	if len(mine.Items) == 0 {
		t.Fatalf("%s sees no session of their own", person.Email)
	}
	cf := s.Forms(t, ctv)
	if p := cf.Get("/me/sessions"); p.Status != 200 || !strings.Contains(html.UnescapeString(p.Body), mine.Items[len(mine.Items)-1].Title) {
		t.Errorf("my sessions page: %d, %q missing", p.Status, mine.Items[len(mine.Items)-1].Title)
	}
	var codes []string
	for _, a := range results.Items {
		if a.CollaboratorID == ctvID {
			codes = append(codes, a.CourseCode)
		}
	}
	if p := cf.Get("/me/attempts"); p.Status != 200 || !slices.ContainsFunc(codes, func(c string) bool { return strings.Contains(p.Body, c) }) {
		t.Errorf("my results page: %d, none of %v shown", p.Status, codes)
	}

	// A second load adds nothing: the database is no longer empty.
	s.App.DemoActivity = nil
	if err := s.App.LoadDemo(ctx); err != nil || s.App.DemoLoaded || s.App.DemoActivity != nil {
		t.Errorf("second load: err %v, loaded %v, activity %+v", err, s.App.DemoLoaded, s.App.DemoActivity)
	}
	var again struct{ Total int }
	s.Do(t, "GET", "/api/v1/sessions", coord, nil).JSON(t, &again)
	if again.Total != sessions.Total {
		t.Errorf("sessions after a second load: %d, want %d", again.Total, sessions.Total)
	}
}

// startWithActivity starts the service without the demo, then loads it
// with its sample activity (sessions, attempts, quarterly records) as
// academy's first start does; clk nil: the real clock.
func startWithActivity(t *testing.T, clk *clock.Manual) *apptest.Server {
	t.Helper()
	opts := apptest.Options{NoDemo: true}
	if clk != nil {
		opts.Clock = clk
	}
	s := apptest.Start(t, opts)
	s.App.Config.DemoActivity = true
	s.App.Config.DemoPassword = apptest.DemoPassword
	if err := s.App.LoadDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// startReconciled is startWithActivity with every certificate reconciled
// from the demo's records, and returns a coordinator's token beside it.
func startReconciled(t *testing.T, clk *clock.Manual) (*apptest.Server, string) {
	t.Helper()
	s := startWithActivity(t, clk)
	if _, _, err := s.App.Certification.ReconcileAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, s.LoginDemo(t, apptest.Coordinator)
}
