package web

import (
	"net/url"
	"strings"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/gofiber/fiber/v2"
)

// Path parameters are percent-decoded once, before routing: the app runs
// with Fiber's UnescapePath, so `/api/v1/attempts/x%3AKC-102%3A1` reaches
// the same route and record as `/api/v1/attempts/x:KC-102:1`, and every
// handler's c.Params is the decoded value. Every generated client and
// every encodeURIComponent encodes `:`.
//
// Two consequences of decoding the path rather than each parameter:
// an encoded slash (%2F) becomes a separator, so it reaches no route that
// takes one parameter there (404); and fasthttp reads `+` as a space, as
// in a query string. No id, code or token of this service holds either.

// checkParams refuses, with a 400 naming the parameter, a request whose
// path parameter is not valid percent-encoding (`%zz`, `%4`): UnescapePath
// leaves such bytes as they came, and a handler would look up a value
// the client never meant. It runs in front of every registered route.
func checkParams(c *fiber.Ctx) error {
	if name, bad := badParam(c.Route().Path, string(c.Request().URI().PathOriginal())); bad {
		return errs.Field(name, "is not valid percent-encoding: write %% as %%25")
	}
	return c.Next()
}

// badParam returns the name of the first parameter of route whose segment
// of the raw (undecoded) request path does not percent-decode. A raw path
// whose segments do not line up with the route's (an encoded slash) is
// checked as a whole and blamed on "path".
func badParam(route, raw string) (string, bool) {
	if !strings.Contains(raw, "%") {
		return "", false
	}
	rs := strings.Split(strings.Trim(route, "/"), "/")
	ps := strings.Split(strings.Trim(raw, "/"), "/")
	if len(rs) != len(ps) {
		if _, err := url.PathUnescape(raw); err != nil {
			return "path", true
		}
		return "", false
	}
	for i, seg := range rs {
		if _, err := url.PathUnescape(ps[i]); err == nil {
			continue
		}
		if name, ok := paramName(seg); ok {
			return name, true
		}
		return "path", true
	}
	return "", false
}

// paramName returns the name of a route segment that is a parameter
// (`:id`, `:id?`), without its marker.
func paramName(seg string) (string, bool) {
	name, ok := strings.CutPrefix(seg, ":")
	return strings.TrimRight(name, "?+*"), ok && name != ""
}
