package app_test

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/ctvacademy/academy/modules/scheduling"
	"github.com/getkin/kin-openapi/openapi3"
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

// TestOpenAPIDocumentSaysWhatTheServiceEnforces reads /api/openapi.json as
// a client generator does: it must pass kin-openapi's validation and carry
// the servers, required fields, enumerations, typed list parameters, file
// media types and per-route error answers the service enforces. (Every
// answer of every apptest.Server.Do is also checked against it.)
func TestOpenAPIDocumentSaysWhatTheServiceEnforces(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	r := s.Do(t, "GET", "/api/openapi.json", "", nil)
	if r.Status != 200 {
		t.Fatalf("openapi: %d", r.Status)
	}
	doc, err := apptest.ParseDocument(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != s.URL {
		t.Errorf("servers = %v, want the base URL %s", doc.Servers, s.URL)
	}
	op := func(method, path string) *openapi3.Operation {
		t.Helper()
		item := doc.Paths.Value(path)
		if item == nil || item.GetOperation(method) == nil {
			t.Fatalf("%s %s is not in the document", method, path)
		}
		return item.GetOperation(method)
	}
	reqSchema := func(o *openapi3.Operation) *openapi3.Schema {
		return o.RequestBody.Value.Content.Get("application/json").Schema.Value
	}
	statuses := func(o *openapi3.Operation) []int {
		var out []int
		for code := range o.Responses.Map() {
			n, _ := strconv.Atoi(code)
			out = append(out, n)
		}
		slices.Sort(out)
		return out
	}

	// Required fields and enumerations, from the types' tags and the
	// constants the validation checks against.
	create := reqSchema(op("POST", "/api/v1/collaborators"))
	for _, f := range []string{"code", "full_name", "email", "phone", "role", "area_code", "commune", "contract"} {
		if !slices.Contains(create.Required, f) {
			t.Errorf("POST /collaborators: %s is not required", f)
		}
	}
	if slices.Contains(create.Required, "position") {
		t.Error("POST /collaborators: position is optional")
	}
	if got := enumOf(create.Properties["role"].Value); !slices.Equal(got, collaborators.Roles) {
		t.Errorf("collaborator role enum = %v, want %v", got, collaborators.Roles)
	}
	contract := create.Properties["contract"].Value
	if got := enumOf(contract.Properties["status"].Value); !slices.Equal(got, collaborators.ContractStatuses) {
		t.Errorf("contract status enum = %v", got)
	}
	if f := contract.Properties["starts_on"].Value.Format; f != "date" {
		t.Errorf("contract.starts_on format %q", f)
	}
	if got := enumOf(reqSchema(op("PATCH", "/api/v1/users/{id}")).Properties["role"].Value); !slices.Equal(got, authz.Roles) {
		t.Errorf("user role enum = %v, want %v", got, authz.Roles)
	}
	marks := reqSchema(op("PUT", "/api/v1/sessions/{id}/attendance")).Items.Value
	if got := enumOf(marks.Properties["status"].Value); !slices.Equal(got, scheduling.AttendanceStatuses) {
		t.Errorf("attendance status enum = %v", got)
	}
	invitation := op("GET", "/api/v1/sessions/{id}/invitations").Responses.Status(200).Value.Content.Get("application/json").Schema.Value.Properties["items"].Value.Items.Value
	for f, want := range map[string][]string{"response": scheduling.Responses, "delivery": scheduling.Deliveries} {
		if got := enumOf(invitation.Properties[f].Value); !slices.Equal(got, want) {
			t.Errorf("invitation %s enum = %v, want %v", f, got, want)
		}
	}
	// Request schemas refuse unknown fields, as the service does; response
	// schemas do not, so that a generated client survives an added field.
	if create.AdditionalProperties.Has == nil || *create.AdditionalProperties.Has {
		t.Error("a request schema should refuse unknown fields")
	}
	for path, item := range doc.Paths.Map() {
		for method, o := range item.Operations() {
			for code, resp := range o.Responses.Map() {
				if c := resp.Value.Content.Get("application/json"); c != nil {
					if p := closedObject(c.Schema.Value, 0); p != "" {
						t.Errorf("%s %s %s: response schema %s refuses added fields", method, path, code, p)
					}
				}
			}
		}
	}

	// limit and offset are integers with Page's bounds.
	for _, p := range op("GET", "/api/v1/collaborators").Parameters {
		v := p.Value.Schema.Value
		switch p.Value.Name {
		case "limit":
			if !v.Type.Is("integer") || *v.Min != 1 || *v.Max != web.MaxLimit || v.Default != float64(web.DefaultLimit) {
				t.Errorf("limit schema: %+v", v)
			}
		case "offset":
			if !v.Type.Is("integer") || *v.Min != 0 {
				t.Errorf("offset schema: %+v", v)
			}
		case "include_archived":
			if !v.Type.Is("boolean") {
				t.Errorf("include_archived is %v", v.Type)
			}
		}
	}

	// Exports say their media type.
	for path, mt := range map[string]string{"/api/v1/attendance/export.csv": "text/csv", "/api/v1/attendance/export.xlsx": web.XLSX} {
		if op("GET", path).Responses.Status(200).Value.Content.Get(mt) == nil {
			t.Errorf("GET %s: no %s answer", path, mt)
		}
	}

	// Error answers per route: from the guard, the body, the path
	// parameters and what the handler declares.
	for _, c := range []struct {
		method, path string
		want         []int
	}{
		{"GET", "/api/v1/courses", []int{200, 400, 401, 500}}, // every role may: no 403
		{"GET", "/api/v1/users", []int{200, 400, 401, 403, 500}},
		{"POST", "/api/v1/auth/login", []int{200, 400, 401, 403, 413, 415, 429, 500}},
		{"POST", "/api/v1/sessions", []int{201, 400, 401, 403, 413, 415, 422, 500}},
		{"PATCH", "/api/v1/sessions/{id}", []int{200, 400, 401, 403, 404, 409, 413, 415, 422, 500}},
		{"POST", "/api/v1/courses/{code}/attempts", []int{200, 201, 400, 401, 403, 404, 409, 415, 422, 500}},
	} {
		if got := statuses(op(c.method, c.path)); !slices.Equal(got, c.want) {
			t.Errorf("%s %s answers %v, want %v", c.method, c.path, got, c.want)
		}
	}
	if sec := op("POST", "/api/v1/auth/login").Security; sec == nil || len(*sec) != 0 {
		t.Errorf("a public route should need no sign-in: %v", sec)
	}
}

func enumOf(s *openapi3.Schema) []string {
	var out []string
	for _, v := range s.Enum {
		if v != "" { // an optional field left empty
			out = append(out, v.(string))
		}
	}
	return out
}

// closedObject returns the path of an object schema that refuses fields
// it does not list.
func closedObject(s *openapi3.Schema, depth int) string {
	if s == nil || depth > 10 {
		return ""
	}
	if s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has {
		return "(root)"
	}
	for name, p := range s.Properties {
		if q := closedObject(p.Value, depth+1); q != "" {
			return strings.TrimSuffix(name+"."+q, ".(root)")
		}
	}
	if s.Items != nil {
		return closedObject(s.Items.Value, depth+1)
	}
	return ""
}
