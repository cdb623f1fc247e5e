package collaborators_test

import (
	"testing"

	"github.com/ctvacademy/academy/modules/collaborators"
	"golang.org/x/text/unicode/norm"
)

// A CTV keeps their contact details current but cannot rename themselves:
// the legal name is on their contract and certificates and in every export.
func TestCollaboratorCannotChangeTheirLegalName(t *testing.T) {
	t.Parallel()
	s, c := castIn(t, "NT")
	ctv, ctvTok, leaderTok, coord := c.ctv, c.ctvTok, c.leaderTok, c.coord

	for _, tc := range []struct {
		who, tok string
		body     map[string]any
		fields   []string
	}{
		{"ctv", ctvTok, map[string]any{"full_name": `=HYPERLINK("http://evil.example","Bấm vào đây")`}, []string{"full_name"}},
		{"ctv", ctvTok, map[string]any{"full_name": "Nguyễn Văn Khác", "phone": "0987000111"}, []string{"full_name"}},
		{"ctv", ctvTok, map[string]any{"email": "other@example.vn", "code": "NT-99"}, []string{"code", "email"}},
		{"team_leader", leaderTok, map[string]any{"full_name": "Nguyễn Văn Khác"}, []string{"full_name"}},
	} {
		r := s.Do(t, "PATCH", "/api/v1/collaborators/"+ctv.ID, tc.tok, tc.body)
		if r.Status != 403 {
			t.Errorf("%s PATCH %v: %d %s", tc.who, tc.body, r.Status, r.Body)
			continue
		}
		p := r.Problem(t)
		for _, f := range tc.fields {
			if !p.HasField(f) {
				t.Errorf("%s PATCH %v: problem does not name %s: %s", tc.who, tc.body, f, r.Body)
			}
		}
	}
	var after collaborators.Collaborator
	s.Do(t, "GET", "/api/v1/collaborators/"+ctv.ID, coord, nil).JSON(t, &after)
	if after.FullName != ctv.FullName || after.Phone != ctv.Phone || after.Email != ctv.Email || after.Code != ctv.Code {
		t.Errorf("a refused PATCH changed the record: %+v, was %+v", after, ctv)
	}

	// Contact details stay theirs to keep.
	if r := s.Do(t, "PATCH", "/api/v1/collaborators/"+ctv.ID, ctvTok, map[string]any{"phone": "0987 000 111", "position": "Công chức Kinh tế"}); r.Status != 200 {
		t.Fatalf("own phone and position: %d %s", r.Status, r.Body)
	}

	// The coordinator corrects the name; typed in NFD with a zero-width
	// space, it is stored in NFC without it.
	r := s.Do(t, "PATCH", "/api/v1/collaborators/"+ctv.ID, coord, map[string]any{"full_name": norm.NFD.String("Nguyễn Thị\u200b Ánh")})
	if r.Status != 200 {
		t.Fatalf("coordinator renames: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &after)
	if after.FullName != "Nguyễn Thị Ánh" || !norm.NFC.IsNormalString(after.FullName) {
		t.Errorf("name stored as %q", after.FullName)
	}
	for field, bad := range map[string]string{"full_name": "Nguyễn\x1b[31m An", "commune": "Xã\rLong Tân", "position": "Công chức\nKinh tế"} {
		r := s.Do(t, "PATCH", "/api/v1/collaborators/"+ctv.ID, coord, map[string]any{field: bad})
		if r.Status != 400 || !r.Problem(t).HasField(field) {
			t.Errorf("control character in %s: %d %s", field, r.Status, r.Body)
		}
	}
}
