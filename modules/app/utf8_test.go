package app_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/scheduling"
)

// Text that is not valid UTF-8 is refused with a 400 naming where it was,
// in JSON bodies, query strings, form posts and multipart uploads; before,
// it was stored with U+FFFD in place of the bytes.
func TestInvalidUTF8IsRefusedEverywhere(t *testing.T) {
	t.Parallel()
	s, coord := apptest.StartAs(t, apptest.Coordinator)
	person := s.Find(t, "ctv", "NT")
	before := len(s.Collaborators(t))

	csvOK := []byte("Mã CTV;Họ và tên\n")
	badName, badNameCT := apptest.Multipart(t, "file", "danh-s\xe1ch.csv", csvOK, nil)
	badField, badFieldCT := apptest.Multipart(t, "file", "ctv.csv", csvOK, map[string]string{"note": "ghi ch\xfa"})
	badData, badDataCT := apptest.Multipart(t, "file", "ctv.csv", []byte("Mã CTV;Họ và tên\nNT-50;Tr\xe2n\n"), nil)

	for _, tc := range []struct {
		name, method, path string
		body               any
		ct                 string
		field              string
	}{
		{"JSON string with a stray byte", "PATCH", "/api/v1/collaborators/" + person.ID, []byte("{\"position\":\"C\xf4ng ch\xfac\"}"), "", "position"},
		{"JSON lone surrogate", "PATCH", "/api/v1/collaborators/" + person.ID, `{"position":"C\udc00ng"}`, "", "position"},
		{"JSON key with a stray byte", "PATCH", "/api/v1/collaborators/" + person.ID, []byte("{\"posi\xfftion\":\"x\"}"), "", "posi\ufffdtion"},
		{"nested JSON", "POST", "/api/v1/collaborators", []byte("{\"contract\":{\"number\":\"H\xd0-1\"}}"), "", "contract.number"},
		{"query value", "GET", "/api/v1/collaborators?q=Nguy%E1n", nil, "", "q"},
		{"query name", "GET", "/api/v1/collaborators?%FF=1", nil, "", "?"},
		{"form post", "POST", "/api/v1/auth/login", "email=a%FF%40example.vn&password=x", "application/x-www-form-urlencoded", "email"},
		{"multipart file name", "POST", "/api/v1/collaborators/import", badName, badNameCT, "file"},
		{"multipart field", "POST", "/api/v1/collaborators/import", badField, badFieldCT, "note"},
		{"file contents", "POST", "/api/v1/collaborators/import", badData, badDataCT, "file"},
	} {
		var r apptest.Response
		if tc.ct != "" {
			r = s.Do(t, tc.method, tc.path, coord, tc.body, tc.ct)
		} else {
			r = s.Do(t, tc.method, tc.path, coord, tc.body)
		}
		if r.Status != 400 {
			t.Errorf("%s: %d, want 400: %s", tc.name, r.Status, r.Body)
			continue
		}
		if p := r.Problem(t); !p.HasField(tc.field) {
			t.Errorf("%s: the problem does not name %q: %s", tc.name, tc.field, r.Body)
		}
	}
	var after collaborators.Collaborator
	s.Do(t, "GET", "/api/v1/collaborators/"+person.ID, coord, nil).JSON(t, &after)
	if after.Position != person.Position {
		t.Errorf("position changed to %q", after.Position)
	}
	if n := len(s.Collaborators(t)); n != before {
		t.Errorf("%d collaborators, was %d", n, before)
	}

	// The session form: refused, nothing scheduled.
	f := s.Forms(t, coord)
	f.Get("/sessions/new")
	r := f.Post("/sessions", url.Values{"title": {"T\xe2p hu\xe2n"}, "course_code": {"KC-101"}, "date": {"2026-12-09"}, "start": {"08:00"},
		"end": {"11:00"}, "location": {"Hội trường"}})
	if r.Status != 400 {
		t.Errorf("session form with a stray byte: %d", r.Status)
	}
	if all, err := s.App.Scheduling.List(context.Background(), authz.All, scheduling.Query{}); err != nil || len(all) != 0 {
		t.Errorf("%d sessions after the refused form (%v)", len(all), err)
	}
}
