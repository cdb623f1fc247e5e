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
		if name, kind, required, _ := queryParam(c.q); name != c.name || kind != c.kind || required != c.required {
			t.Errorf("queryParam(%q) = %q, %q, %v", c.q, name, kind, required)
		}
	}
	for q, want := range map[string]bool{"status": false, "status[]": true, "status[]!=x": true, "status!=x": false} {
		if _, _, _, repeatable := queryParam(q); repeatable != want {
			t.Errorf("queryParam(%q) repeatable = %v", q, !want)
		}
	}
	if name, kind, required, _ := queryParam("status[]!=x"); name != "status" || kind != "x" || !required {
		t.Errorf("queryParam(status[]!=x) = %q, %q, %v", name, kind, required)
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
	get := guarded(t, fiber.New(), requireQuery(Doc{Query: []string{"quarter!", "area_code", "status!=x"}}.requiredQuery()))
	for _, c := range []struct{ query, want string }{
		{"", "quarter"}, {"?quarter=", "quarter"}, {"?quarter=2026-Q3", "status"},
		{"?quarter=2026-Q3&status=a&area_code=", ""}, {"?status=a&area_code=NT", "quarter"},
	} {
		_, body, ran := get(c.query)
		switch {
		case c.want == "" && (body != "ok" || ran != 1):
			t.Errorf("%q: %q, handler ran %d times", c.query, body, ran)
		case c.want != "" && (!strings.Contains(body, c.want+": is required") || ran != 0):
			t.Errorf("%q: %q, want %s refused before the handler (ran %d)", c.query, body, c.want, ran)
		}
	}
}

// An API route refuses, before its handler, a query parameter its Doc does
// not declare and a declared one given twice unless it is repeatable
// ("name[]"), naming it; lang is accepted on every route, if it names a
// language; what is declared reaches the handler.
func TestCheckQueryRefusesUnknownAndRepeatedParameters(t *testing.T) {
	t.Parallel()
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		return c.Status(400).SendString(err.Error())
	}})
	get := guarded(t, app, checkQuery(Doc{Query: []string{"course", "area_code", "status[]=x", "quarter!", "limit"}}))
	for _, c := range []struct{ query, want string }{
		{"", ""},
		{"?course=KC-101&area_code=LK&status=a&status=b&quarter=2026-Q3&limit=5", ""},
		{"?lang=en&course=KC-101", ""},
		{"?lang=&course=", ""},
		{"?&course=KC-101&", ""},
		{"?course_code=KC-999", "course_code: unknown query parameter: this route reads course, area_code, status, quarter, limit, lang"},
		{"?course=KC-101&Course=KC-102", "Course: unknown query parameter"},
		{"?area_code=LK&area_code=BH", "area_code: appears twice: give it once"},
		{"?quarter=2026-Q3&course=a&quarter=2026-Q4", "quarter: appears twice"},
		{"?lang=en&lang=vi", "lang: appears twice"},
		{"?lang=fr", "lang: must be vi or en"},
		{"?status[]=a", "status[]: unknown query parameter"},
	} {
		status, body, ran := get(c.query)
		switch {
		case c.want == "" && (body != "ok" || ran != 1):
			t.Errorf("%q: %d %q, handler ran %d times", c.query, status, body, ran)
		case c.want != "" && (status != 400 || !strings.Contains(body, c.want) || ran != 0):
			t.Errorf("%q: %d %q, want %q refused before the handler (ran %d)", c.query, status, body, c.want, ran)
		}
	}
}

// guarded serves mw on app in front of a handler that answers "ok", and
// returns a GET of "/"+query that tells the status, the body and how many
// times that request ran the handler.
func guarded(t *testing.T, app *fiber.App, mw fiber.Handler) func(query string) (status int, body string, ran int) {
	t.Helper()
	runs := 0
	app.Get("/", mw, func(c *fiber.Ctx) error {
		runs++
		return c.SendString("ok")
	})
	return func(query string) (int, string, int) {
		t.Helper()
		before := runs
		resp, err := app.Test(httptest.NewRequest("GET", "/"+query, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body), runs - before
	}
}
