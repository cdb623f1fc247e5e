package app_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/getkin/kin-openapi/openapi3"
)

// dayFields are the names the API gives a calendar day (a last valid day,
// a contract's first and last day, the day a contract version was
// replaced): wherever an answer carries one, the document says it is a
// date, not a date-time or a plain string.
var dayFields = map[string]bool{"valid_until": true, "starts_on": true, "ends_on": true, "replaced_on": true}

// responseProperties calls f with every property of every JSON answer of
// the document, named by its route, status and path inside the body.
func responseProperties(doc *openapi3.T, f func(where, name string, s *openapi3.Schema)) {
	var walk func(where string, s *openapi3.Schema, depth int)
	walk = func(where string, s *openapi3.Schema, depth int) {
		if s == nil || depth > 12 {
			return
		}
		for name, p := range s.Properties {
			f(where+"."+name, name, p.Value)
			walk(where+"."+name, p.Value, depth+1)
		}
		if s.Items != nil {
			walk(where+"[]", s.Items.Value, depth+1)
		}
	}
	for path, item := range doc.Paths.Map() {
		for method, o := range item.Operations() {
			for code, resp := range o.Responses.Map() {
				if c := resp.Value.Content.Get("application/json"); c != nil && c.Schema != nil {
					walk(method+" "+path+" "+code+" ", c.Schema.Value, 0)
				}
			}
		}
	}
}

// Every day the API answers is documented as {type: string, format: date}:
// the certificates' valid_until, the standing's and the contract review's
// contract dates (and the review's decisions before and after) were plain
// strings. Instants (expires_at, starts_at, at...) stay date-times.
func TestOpenAPIDaysAreDates(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{NoDemo: true})
	doc, err := apptest.ParseDocument(s.Do(t, "GET", "/api/openapi.json", "", nil).Body)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	responseProperties(doc, func(where, name string, p *openapi3.Schema) {
		switch {
		case dayFields[name]:
			seen[where] = true
			if !p.Type.Is("string") || p.Format != "date" {
				t.Errorf("%s: %v format %q, want a string of format date", where, p.Type, p.Format)
			}
		case strings.HasSuffix(name, "_at") && !p.Type.Is("object"):
			if p.Format != "date-time" {
				t.Errorf("%s: an instant of format %q, want date-time", where, p.Format)
			}
		}
	})
	for _, want := range []string{
		"GET /api/v1/certifications 200 .items[].valid_until",
		"GET /api/v1/me/certifications 200 .items[].valid_until",
		"POST /api/v1/certifications/{id}/revoke 200 .valid_until",
		"GET /api/v1/collaborators/{id}/standing 200 .certifications[].valid_until",
		"GET /api/v1/collaborators/{id}/standing 200 .contract.starts_on",
		"GET /api/v1/collaborators/{id}/standing 200 .contract.ends_on",
		"GET /api/v1/contracts/review 200 .items[].contract.ends_on",
		"GET /api/v1/contracts/review 200 .items[].decision.before.ends_on",
		"GET /api/v1/contracts/review 200 .items[].decision.after.starts_on",
		"POST /api/v1/contracts/review/{quarter}/decisions 200 .items[].contract.ends_on",
		"GET /api/v1/reports/competency 200 .rows[].cells[].valid_until",
		"GET /api/v1/reports/coverage 200 .items[].expiring[].valid_until",
		"GET /api/v1/reports/contracts 200 .items[].ends_on",
		"GET /api/v1/collaborators/{id} 200 .contract.ends_on",
		"GET /api/v1/reports/stipends 200 .items[].starts_on",
	} {
		if !seen[want] {
			t.Errorf("%s is not in the document", want)
		}
	}
}

var isoDay = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// The days the certificates, the standing and the contract review answer
// are YYYY-MM-DD, validate against their schema, and are the days the
// pages show: a certificate's valid_until is the competency matrix's last
// valid day (the Vietnam day before the instant it expires), in the
// certificates' list and in the standing alike.
func TestDayFieldsAnswerYYYYMMDD(t *testing.T) {
	t.Parallel()
	s, coord := startReconciled(t, clock.NewManual(time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)))
	doc, err := apptest.ParseDocument(s.Do(t, "GET", "/api/openapi.json", "", nil).Body)
	if err != nil {
		t.Fatal(err)
	}
	validUntil := doc.Paths.Value("/api/v1/certifications").Get.Responses.Status(200).Value.
		Content.Get("application/json").Schema.Value.Properties["items"].Value.Items.Value.Properties["valid_until"].Value
	day := func(where, v string) {
		t.Helper()
		if !isoDay.MatchString(v) {
			t.Errorf("%s = %q, want YYYY-MM-DD", where, v)
		}
		if err := validUntil.VisitJSON(v); err != nil {
			t.Errorf("%s = %q does not validate as a date: %v", where, v, err)
		}
	}

	var certs struct {
		Items []struct {
			CollaboratorID string    `json:"collaborator_id"`
			CourseCode     string    `json:"course_code"`
			Status         string    `json:"status"`
			ExpiresAt      time.Time `json:"expires_at"`
			ValidUntil     string    `json:"valid_until"`
		} `json:"items"`
	}
	getJSON(t, s, "/api/v1/certifications?limit=1000", coord, &certs)
	var matrix struct {
		Courses []string `json:"courses"`
		Rows    []struct {
			ID    string `json:"collaborator_id"`
			Cells []struct {
				Status     string `json:"status"`
				ValidUntil string `json:"valid_until"`
			} `json:"cells"`
		} `json:"rows"`
	}
	getJSON(t, s, "/api/v1/reports/competency", coord, &matrix)
	cell := map[string]string{}
	for _, r := range matrix.Rows {
		for j, c := range r.Cells {
			if c.ValidUntil != "" {
				cell[r.ID+" "+matrix.Courses[j]] = c.ValidUntil
			}
		}
	}
	compared, who := 0, ""
	for _, c := range certs.Items {
		day("certification valid_until", c.ValidUntil)
		if want := c.ExpiresAt.In(clock.VN).AddDate(0, 0, -1).Format(time.DateOnly); c.ValidUntil != want {
			t.Errorf("%s %s: valid_until %s, expires at %s: want the Vietnam day before, %s", c.CollaboratorID, c.CourseCode, c.ValidUntil, c.ExpiresAt, want)
		}
		if c.Status != "valid" && c.Status != "expiring" {
			continue
		}
		if m, ok := cell[c.CollaboratorID+" "+c.CourseCode]; ok {
			compared++
			who = c.CollaboratorID
			if m != c.ValidUntil {
				t.Errorf("%s %s: valid_until %s, the competency matrix shows %s", c.CollaboratorID, c.CourseCode, c.ValidUntil, m)
			}
		}
	}
	if compared == 0 {
		t.Fatal("no valid certificate of the demo is in the competency matrix")
	}

	var st struct {
		Certifications []struct {
			CourseCode string `json:"course_code"`
			ValidUntil string `json:"valid_until"`
		} `json:"certifications"`
		Contract struct {
			StartsOn string `json:"starts_on"`
			EndsOn   string `json:"ends_on"`
		} `json:"contract"`
	}
	getJSON(t, s, "/api/v1/collaborators/"+who+"/standing", coord, &st)
	day("standing contract.starts_on", st.Contract.StartsOn)
	day("standing contract.ends_on", st.Contract.EndsOn)
	for _, c := range st.Certifications {
		if c.ValidUntil == "" {
			continue
		}
		day("standing valid_until", c.ValidUntil)
		if m, ok := cell[who+" "+c.CourseCode]; ok && m != c.ValidUntil {
			t.Errorf("standing of %s %s: valid_until %s, the competency matrix shows %s", who, c.CourseCode, c.ValidUntil, m)
		}
	}

	var review struct {
		Items []struct {
			Contract struct {
				StartsOn string `json:"starts_on"`
				EndsOn   string `json:"ends_on"`
			} `json:"contract"`
		} `json:"items"`
	}
	getJSON(t, s, "/api/v1/contracts/review?quarter=2026-Q4", coord, &review)
	if len(review.Items) == 0 {
		t.Fatal("the 2026-Q4 review is empty")
	}
	for _, it := range review.Items {
		day("review contract.starts_on", it.Contract.StartsOn)
		day("review contract.ends_on", it.Contract.EndsOn)
		if it.Contract.EndsOn < "2026-10-01" || it.Contract.EndsOn > "2026-12-31" {
			t.Errorf("review of 2026-Q4: a contract ending %s", it.Contract.EndsOn)
		}
	}
}
