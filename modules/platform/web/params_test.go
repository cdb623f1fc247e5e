package web

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func TestBadParamNamesTheParameterThatDoesNotDecode(t *testing.T) {
	for _, c := range []struct {
		route, raw, want string
		bad              bool
	}{
		{"/api/v1/attempts/:id", "/api/v1/attempts/a%3AKC-102%3A1", "", false},
		{"/api/v1/attempts/:id", "/api/v1/attempts/a:KC-102:1", "", false},
		{"/api/v1/attempts/:id/answers", "/api/v1/attempts/a%zz/answers", "id", true},
		{"/api/v1/courses/:code", "/api/v1/courses/KC%2", "code", true},
		{"/api/v1/courses/:code", "/api/v1/courses/KC%2/", "code", true},
		{"/sessions/:id/roster", "/sessions/x%4/roster", "id", true},
		{"/rsvp/:token", "/rsvp/%G0", "token", true},
		{"/api/v1/courses/:code", "/api/v1/cour%zzses/KC-101", "path", true},
		{"/api/v1/courses/:code", "/api/v1/courses/a%2Fb%zz", "code", true},
		{"/api/v1/courses/:code/results", "/api/v1/courses/a%2Fb%zz", "path", true},
		{"/api/v1/courses/:code", "/api/v1/courses/a%2Fb", "", false},
	} {
		got, bad := badParam(c.route, c.raw)
		if got != c.want || bad != c.bad {
			t.Errorf("badParam(%q, %q) = %q, %v; want %q, %v", c.route, c.raw, got, bad, c.want, c.bad)
		}
	}
}

func TestQueryParamReadsRequiredAndKind(t *testing.T) {
	for _, c := range []struct {
		q, name, kind string
		required      bool
	}{
		{"quarter", "quarter", "", false},
		{"quarter!", "quarter", "", true},
		{"status=performance_status", "status", "performance_status", false},
		{"status!=performance_status", "status", "performance_status", true},
	} {
		if name, kind, required := queryParam(c.q); name != c.name || kind != c.kind || required != c.required {
			t.Errorf("queryParam(%q) = %q, %q, %v", c.q, name, kind, required)
		}
	}
	doc := Doc{Query: []string{"quarter!", "area_code", "status!=x", "limit"}}
	if got := doc.requiredQuery(); len(got) != 2 || got[0] != "quarter" || got[1] != "status" {
		t.Errorf("requiredQuery = %q", got)
	}
}

// A route's required query parameters are refused missing or empty before
// its handler runs, naming the first one missing; given, the handler runs.
func TestRequireQueryRefusesBeforeTheHandler(t *testing.T) {
	t.Parallel()
	app := fiber.New()
	ran := 0
	app.Get("/", requireQuery(Doc{Query: []string{"quarter!", "area_code", "status!=x"}}.requiredQuery()), func(c *fiber.Ctx) error {
		ran++
		return c.SendString("ok")
	})
	for _, c := range []struct{ query, want string }{
		{"", "quarter"}, {"?quarter=", "quarter"}, {"?quarter=2026-Q3", "status"},
		{"?quarter=2026-Q3&status=a&area_code=", ""}, {"?status=a&area_code=NT", "quarter"},
	} {
		before := ran
		resp, err := app.Test(httptest.NewRequest("GET", "/"+c.query, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		switch {
		case c.want == "" && (string(body) != "ok" || ran != before+1):
			t.Errorf("%q: %q, handler ran %d times", c.query, body, ran-before)
		case c.want != "" && (!strings.Contains(string(body), c.want+": is required") || ran != before):
			t.Errorf("%q: %q, want %s refused before the handler (ran %d)", c.query, body, c.want, ran-before)
		}
	}
}
