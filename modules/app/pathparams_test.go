package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/mail"
	"github.com/ctvacademy/academy/modules/scheduling"
)

// encodeAll percent-encodes every byte of s, as a client that encodes
// more than it must would (encodeURIComponent encodes ":").
func encodeAll(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "%%%02X", s[i])
	}
	return b.String()
}

// rawGet sends path exactly as written (Go's URL parser refuses a
// malformed escape), asking for JSON or a page.
func rawGet(t *testing.T, s *apptest.Server, path, token string, page bool) apptest.Response {
	t.Helper()
	req := apptest.NewRequest(t, "GET", s.URL+"/", nil)
	req.URL.Opaque = path
	req.Header.Set("Accept", "application/json")
	if page {
		req.Header.Set("Accept", "text/html")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return apptest.Send(t, nil, req)
}

// TestPercentEncodedPathParametersReachTheirRecord calls a route of every
// module that takes an id, API and page, with the id percent-encoded: each
// answers as it does for the plain id. A parameter that is not valid
// percent-encoding is a 400 naming it.
func TestPercentEncodedPathParametersReachTheirRecord(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	s, coord := apptest.StartAs(t, apptest.Coordinator, apptest.Options{Clock: clock.NewManual(start.Add(-48 * time.Hour))})
	admin := s.LoginDemo(t, apptest.Admin)
	ctv := s.Find(t, "ctv", "NT")
	ctvTok := s.LoginDemo(t, ctv.Email)

	// courses: KC%2D101 is KC-101.
	var course struct {
		Code string `json:"code"`
	}
	r := s.Do(t, "GET", "/api/v1/courses/KC%2D101", coord, nil)
	if r.Status != 200 {
		t.Fatalf("GET /api/v1/courses/KC%%2D101: %d %s", r.Status, r.Body)
	}
	if r.JSON(t, &course); course.Code != "KC-101" {
		t.Errorf("GET /api/v1/courses/KC%%2D101 answers course %q", course.Code)
	}
	if r := s.Page(t, "/courses/KC%2D101", ctvTok); r.Status != 200 || !strings.Contains(string(r.Body), "KC-101") {
		t.Errorf("page /courses/KC%%2D101: %d", r.Status)
	}

	// quizzes: an attempt id holds colons; every client encodes them.
	r = s.Do(t, "POST", "/api/v1/courses/KC%2D102/attempts", ctvTok, nil)
	if r.Status != 201 {
		t.Fatalf("start KC%%2D102: %d %s", r.Status, r.Body)
	}
	var attempt struct {
		ID string `json:"id"`
	}
	r.JSON(t, &attempt)
	enc := strings.ReplaceAll(attempt.ID, ":", "%3A")
	for _, path := range []string{"/api/v1/attempts/" + attempt.ID, "/api/v1/attempts/" + enc, "/api/v1/attempts/" + encodeAll(attempt.ID)} {
		var got struct {
			ID string `json:"id"`
		}
		if r := s.Do(t, "GET", path, ctvTok, nil); r.Status != 200 {
			t.Errorf("GET %s: %d %s", path, r.Status, r.Body)
		} else if r.JSON(t, &got); got.ID != attempt.ID {
			t.Errorf("GET %s answers attempt %q", path, got.ID)
		}
	}
	if r := s.Do(t, "PUT", "/api/v1/attempts/"+enc+"/answers", ctvTok, map[string]any{"answers": map[string][]string{}}); r.Status != 200 {
		t.Errorf("PUT /api/v1/attempts/%s/answers: %d %s", enc, r.Status, r.Body)
	}
	if r := s.Page(t, "/attempts/"+enc, ctvTok); r.Status != 200 || !strings.Contains(string(r.Body), `action="/attempts/`) {
		t.Errorf("page /attempts/%s: %d", enc, r.Status)
	}

	// collaborators.
	var person struct {
		ID    string `json:"id"`
		Email string `json:"email"`
	}
	r = s.Do(t, "GET", "/api/v1/collaborators/"+encodeAll(ctv.ID), coord, nil)
	if r.Status != 200 {
		t.Fatalf("GET the collaborator by an encoded id: %d %s", r.Status, r.Body)
	}
	if r.JSON(t, &person); person.ID != ctv.ID || person.Email != ctv.Email {
		t.Errorf("GET the collaborator by an encoded id answers %+v", person)
	}
	if r := s.Page(t, "/collaborators/"+encodeAll(ctv.ID), coord); r.Status != 200 || !strings.Contains(string(r.Body), ctv.FullName) {
		t.Errorf("the collaborator's page by an encoded id: %d", r.Status)
	}

	// scheduling: a session, its invitations and its page.
	session := s.CreateSession(t, coord, "KC-101", "NT", "Tập huấn mã hóa đường dẫn", start)
	if r := s.Do(t, "POST", "/api/v1/sessions/"+encodeAll(session)+"/invitations", coord, map[string]any{"collaborator_ids": []string{ctv.ID}}); r.Status != 200 {
		t.Fatalf("invite through an encoded session id: %d %s", r.Status, r.Body)
	}
	var sv scheduling.SessionView
	if r := s.Do(t, "GET", "/api/v1/sessions/"+encodeAll(session), coord, nil); r.Status != 200 {
		t.Errorf("GET the session by an encoded id: %d %s", r.Status, r.Body)
	} else if r.JSON(t, &sv); sv.ID != session {
		t.Errorf("GET the session by an encoded id answers %q", sv.ID)
	}
	if r := s.Page(t, "/sessions/"+encodeAll(session), coord); r.Status != 200 || !strings.Contains(string(r.Body), "Tập huấn mã hóa đường dẫn") {
		t.Errorf("the session's page by an encoded id: %d", r.Status)
	}

	// outbox: a message id holds colons; the invitation's is queued, so a
	// retry reaches it and is refused as not failed (409), not unknown.
	msg := sessionMessage(t, s, coord, session)
	if msg == "" || !strings.Contains(msg, ":") {
		t.Fatalf("no outbox message with a colon for the session %s", session)
	}
	if r := s.Do(t, "POST", "/api/v1/outbox/"+strings.ReplaceAll(msg, ":", "%3A")+"/retry", coord, nil); r.Status != 409 {
		t.Errorf("retry %s through its encoded id: %d %s, want 409 (not failed)", msg, r.Status, r.Body)
	}
	if r := s.Do(t, "POST", "/api/v1/outbox/"+strings.ReplaceAll(msg, ":", "%253A")+"/retry", coord, nil); r.Status != 404 {
		t.Errorf("an id decoded twice reached message %s: %d %s", msg, r.Status, r.Body)
	}

	// accounts: an account's role through its encoded id.
	var users struct {
		Items []struct {
			ID    string `json:"id"`
			Email string `json:"email"`
			Role  string `json:"role"`
		} `json:"items"`
	}
	s.Do(t, "GET", "/api/v1/users?limit=1000", admin, nil).JSON(t, &users)
	leader := ""
	for _, u := range users.Items {
		if u.Email == apptest.Leadership {
			leader = u.ID
		}
	}
	if r := s.Do(t, "PATCH", "/api/v1/users/"+encodeAll(leader), admin, map[string]string{"role": "leadership"}); r.Status != 200 {
		t.Errorf("PATCH the leadership account by an encoded id: %d %s", r.Status, r.Body)
	}

	// A parameter that is not valid percent-encoding names itself.
	for _, c := range []struct {
		path, field string
		page        bool
	}{
		{"/api/v1/attempts/" + enc + "%zz", "id", false},
		{"/api/v1/courses/KC%2", "code", false},
		{"/api/v1/sessions/" + session + "%G1/invitations", "id", false},
		{"/courses/KC%zz101", "code", true},
	} {
		r := rawGet(t, s, c.path, coord, c.page)
		if r.Status != 400 {
			t.Errorf("GET %s: %d %s, want 400", c.path, r.Status, r.Body)
			continue
		}
		if c.page {
			if !strings.Contains(string(r.Body), c.field) {
				t.Errorf("the page for %s does not name %q", c.path, c.field)
			}
			continue
		}
		if p := r.Problem(t); !p.HasField(c.field) {
			t.Errorf("GET %s: the problem does not name %q: %s", c.path, c.field, r.Body)
		}
	}
}

// sessionMessage is the id of an outbox message of the session (queued or
// already sent), as the coordinator's outbox lists it; "" when none.
func sessionMessage(t *testing.T, s *apptest.Server, coord, session string) string {
	t.Helper()
	msg := ""
	for _, list := range []string{"/api/v1/outbox", "/api/v1/outbox?status=sent"} {
		var box struct {
			Items []mail.Delivery `json:"items"`
		}
		s.Do(t, "GET", list, coord, nil).JSON(t, &box)
		for _, d := range box.Items {
			if strings.Contains(d.ID, session) {
				msg = d.ID
			}
		}
	}
	return msg
}
