package web

import "testing"

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
