package quizzes_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/app/apptest"
)

// Another collaborator's attempt does not exist for a CTV, whatever its
// state: a save of it answers as for an unknown id, never "already
// submitted" (which tells that it exists and was submitted).
func TestAnotherCollaboratorsSubmittedAttemptIsNotFound(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	a, b := s.Find(t, "ctv", "NT"), s.Find(t, "ctv", "LK")
	tokA, tokB := s.LoginDemo(t, a.Email), s.LoginDemo(t, b.Email)
	vb, _ := start(t, s, tokB)
	if r := s.Do(t, "POST", "/api/v1/attempts/"+vb.ID+"/submit", tokB, map[string]any{"answers": key(t, s, vb, true)}); r.Status != 200 {
		t.Fatalf("B submits: %d %s", r.Status, r.Body)
	}
	// A made-up id of the same shape, for the "missing" answer.
	missing := strings.Replace(vb.ID, b.ID, a.ID, 1)

	for _, tc := range []struct {
		name, method, path, tok string
		body                    any
		status                  int
	}{
		{"another's submitted attempt: save", "PUT", "/api/v1/attempts/" + vb.ID + "/answers", tokA, map[string]any{"answers": map[string][]string{}}, 404},
		{"another's submitted attempt: submit", "POST", "/api/v1/attempts/" + vb.ID + "/submit", tokA, nil, 404},
		{"another's submitted attempt: read", "GET", "/api/v1/attempts/" + vb.ID, tokA, nil, 404},
		{"a missing attempt: save", "PUT", "/api/v1/attempts/" + missing + "/answers", tokA, map[string]any{"answers": map[string][]string{}}, 404},
		{"the taker's own submitted attempt: save", "PUT", "/api/v1/attempts/" + vb.ID + "/answers", tokB, map[string]any{"answers": map[string][]string{}}, 409},
	} {
		r := s.Do(t, tc.method, tc.path, tc.tok, tc.body)
		if r.Status != tc.status {
			t.Errorf("%s: %d, want %d: %s", tc.name, r.Status, tc.status, r.Body)
		}
		if tc.status == 404 && strings.Contains(string(r.Body), "submitted") {
			t.Errorf("%s: the answer tells the attempt was submitted: %s", tc.name, r.Body)
		}
	}

	// The HTML form answers A's post to B's attempt as it answers a post to
	// an attempt that does not exist, and not with "closed".
	f := s.Forms(t, tokA)
	f.Get("/me/attempts")
	form := url.Values{"action": {"save"}}
	other := f.Post("/attempts/"+vb.ID, form)
	none := f.Post("/attempts/"+missing, form)
	if other.Status != none.Status || other.Location != none.Location || strings.Contains(other.Location, "closed") {
		t.Errorf("another's attempt: %d → %q; a missing one: %d → %q", other.Status, other.Location, none.Status, none.Location)
	}
	if other.Status != 404 {
		t.Errorf("another's attempt: %d, want 404", other.Status)
	}
	if page, none := f.Get("/attempts/"+vb.ID), f.Get("/attempts/"+missing); page.Status != 404 || none.Status != 404 {
		t.Errorf("the page of another's attempt: %d; of a missing one: %d; want 404 both", page.Status, none.Status)
	}
}
