package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/ctvacademy/academy/modules/scheduling"
	"github.com/xuri/excelize/v2"
)

// The authorization matrix: every registered route (API and pages) ×
// every role × every target the route can name, against the answers kept
// in testdata/authz_matrix.csv. Run with -update-matrix to write the
// answers observed (then read the diff: the table is the decision, and
// where the code answers wrong, the code is what changes).
var updateMatrix = flag.Bool("update-matrix", false, "write the answers observed to "+matrixFile+" instead of checking them")

const matrixFile = "testdata/authz_matrix.csv"

// matrixRoles are the callers, the signed-out one first.
var matrixRoles = []string{"anonymous", "ctv", "team_leader", "leadership", "coordinator", "admin"}

// Outcome classes of an answer.
const (
	outAllow    = "allow"    // 2xx, or a page's redirect anywhere but to sign in
	outInvalid  = "invalid"  // 400, 409, 413, 422: the handler read the request and refused what it said
	outDeny401  = "deny401"  // 401, or a page's redirect to sign in
	outDeny403  = "deny403"  // 403
	outNotFound = "notfound" // 404: outside the caller's scope, or absent
)

// classify maps an answer to its outcome class.
func classify(status int, location string) string {
	switch {
	case status >= 200 && status < 300:
		return outAllow
	case status == http.StatusSeeOther || status == http.StatusFound:
		if strings.HasPrefix(location, "/login?") {
			return outDeny401
		}
		return outAllow
	case status == 401:
		return outDeny401
	case status == 403:
		return outDeny403
	case status == 404:
		return outNotFound
	case status == 400 || status == 409 || status == 413 || status == 422:
		return outInvalid
	}
	return fmt.Sprintf("status%d", status)
}

// Targets a route can name. Collaborator records, attempts and sessions
// are chosen relative to the district NT, where the ctv and team_leader
// callers work:
//   - own: the caller's own record (a session the caller is invited to);
//     callers without a collaborator record (anonymous, staff) get the NT
//     CTV's, so that the row still says what they reach;
//   - same: another record of NT (a session for NT the caller is not invited to);
//   - other: a record of LT (a session for LT);
//   - network: a session open to the whole network (no district) with
//     invitees and marks of NT, LT and TB; the team leader of NT is not
//     invited;
//   - "-": the route names no record (a list, a form, a public page); for
//     the attendance exports, a period.
const (
	tOwn     = "own"
	tSame    = "same"
	tOther   = "other"
	tNetwork = "network"
	tNone    = "-"
)

var (
	personTargets  = []string{tOwn, tSame, tOther}
	sessionTargets = []string{tOwn, tSame, tOther, tNetwork}
	noTarget       = []string{tNone}
)

// matrixReq is one request of the matrix.
type matrixReq struct {
	method, path string
	page         bool       // an HTML page: the session in its cookie; a POST sends form with the CSRF token of a page read first
	body         any        // an API request's JSON body
	form         url.Values // a page POST's form
	upload       bool       // an API multipart upload of an empty file
	fresh        bool       // needs a session of its own (sign-out)
	taker        bool       // the caller takes the attempt: nothing may carry the answer key
}

// matrixRoute says how to call one route for a role and target.
type matrixRoute struct {
	targets []string
	build   func(w *matrixWorld, role, target string) matrixReq
}

// matrixWorld is the service and the records the matrix names.
type matrixWorld struct {
	s      *apptest.Server
	tokens map[string]string // role → session token ("" for anonymous)

	self, leader, same, other, other2, tb collaborators.Collaborator
	ctvUserID                             string

	sessions map[string]string              // target → session id
	attempts map[string]string              // self, leader, same, other → KC-103 attempt; submit:self, submit:leader → KC-104
	rsvp     string                         // the NT CTV's RSVP token for the own session
	certs    map[string]string              // self, leader, same, other → their KC-102 certificate
	codes    []string                       // those certificates' verification codes
	right    map[string]map[string][]string // attempt → its right answers

	mu           sync.Mutex
	answerKeys   []string // where a taker received an answer key before the review rule allows
	rowLeaks     []string // where a ctv or team leader received someone outside their scope
	keyChecked   int
	scopeChecked int
}

// person returns the collaborator record a target names for role.
func (w *matrixWorld) person(role, target string) collaborators.Collaborator {
	switch target {
	case tOwn:
		if role == "team_leader" {
			return w.leader
		}
		return w.self
	case tSame:
		return w.same
	}
	return w.other
}

// attempt returns the KC-103 attempt a target names for role: own is the
// caller's live attempt, same the NT CTV's graded one, other the LT CTV's
// live one.
func (w *matrixWorld) attempt(role, target string) string {
	switch target {
	case tOwn:
		if role == "team_leader" {
			return w.attempts["leader"]
		}
		return w.attempts["self"]
	case tSame:
		return w.attempts["same"]
	}
	return w.attempts["other"]
}

// submitAttempt is the attempt a submit names: the caller's own is a
// KC-104 attempt kept for it, so that submitting leaves the KC-103 ones open.
func (w *matrixWorld) submitAttempt(role, target string) string {
	if target == tOwn {
		if role == "team_leader" {
			return w.attempts["submit:leader"]
		}
		return w.attempts["submit:self"]
	}
	return w.attempt(role, target)
}

func api(method, path string, body any) matrixReq {
	return matrixReq{method: method, path: path, body: body}
}

func page(method, path string, form url.Values) matrixReq {
	return matrixReq{method: method, path: path, page: true, form: form}
}

// perfRecord calls a route of one person's quarterly record, in a quarter
// of the caller's role's own.
func perfRecord(method, suffix string, body any) matrixRoute {
	quarter := map[string]string{"anonymous": "2025-Q1", "ctv": "2025-Q2", "team_leader": "2025-Q3", "leadership": "2025-Q4", "coordinator": "2026-Q1", "admin": "2026-Q2"}
	return matrixRoute{targets: personTargets, build: func(w *matrixWorld, role, target string) matrixReq {
		q := quarter[role]
		if suffix == "/approve" {
			q = "2024" + q[4:] // never submitted: approving it is refused for what it is, not who asks
		}
		return matrixReq{method: method, path: "/api/v1/performance/" + w.person(role, target).ID + "/" + q + suffix, body: body}
	}}
}

// perfPage calls a page of one person's quarterly record as perfRecord
// calls its API route (in other quarters), posting form.
func perfPage(method, suffix string, form url.Values) matrixRoute {
	r := perfRecord(method, suffix, nil)
	build := r.build
	r.build = func(w *matrixWorld, role, target string) matrixReq {
		req := build(w, role, target)
		// Three years before the API's quarters, so that the two never
		// work on one record (the routes run in any order).
		path := strings.TrimPrefix(req.path, "/api/v1")
		year := strings.LastIndex(path, "/20") + 1
		y, _ := strconv.Atoi(path[year : year+4])
		req.path, req.page, req.form = path[:year]+strconv.Itoa(y-3)+path[year+4:], true, form
		return req
	}
	return r
}

// matrixRoutes is how the matrix calls each route. A route registered
// without an entry here fails the test.
func matrixRoutes() map[string]matrixRoute {
	none := func(r matrixReq) matrixRoute {
		return matrixRoute{targets: noTarget, build: func(*matrixWorld, string, string) matrixReq { return r }}
	}
	collab := func(method, format string, page bool, body any) matrixRoute {
		return matrixRoute{targets: personTargets, build: func(w *matrixWorld, role, target string) matrixReq {
			r := matrixReq{method: method, path: fmt.Sprintf(format, w.person(role, target).ID), page: page, body: body}
			return r
		}}
	}
	cert := func(format string) matrixRoute {
		return matrixRoute{targets: personTargets, build: func(w *matrixWorld, role, target string) matrixReq {
			who := map[string]string{tSame: "same", tOther: "other"}[target]
			if target == tOwn {
				who = "self"
				if role == "team_leader" {
					who = "leader"
				}
			}
			return matrixReq{method: "GET", path: fmt.Sprintf(format, w.certs[who])}
		}}
	}
	session := func(method, format string, page bool, body func(w *matrixWorld, role, target string) any) matrixRoute {
		return matrixRoute{targets: sessionTargets, build: func(w *matrixWorld, role, target string) matrixReq {
			r := matrixReq{method: method, path: fmt.Sprintf(format, w.sessions[target]), page: page}
			if body != nil {
				b := body(w, role, target)
				if f, ok := b.(url.Values); ok {
					r.form = f
				} else {
					r.body = b
				}
			}
			return r
		}}
	}
	attempt := func(method, format string, page bool, body any, submit bool) matrixRoute {
		return matrixRoute{targets: personTargets, build: func(w *matrixWorld, role, target string) matrixReq {
			id := w.attempt(role, target)
			if submit {
				id = w.submitAttempt(role, target)
			}
			r := matrixReq{method: method, path: fmt.Sprintf(format, id), page: page, taker: target == tOwn && !submit}
			if f, ok := body.(url.Values); ok {
				r.form = f
			} else {
				r.body = body
			}
			return r
		}}
	}
	// The person an attendance write names: the caller (own session), the
	// NT CTV invited (same), an LT CTV (other session, and the network
	// session, where a team leader of NT must not reach them). Each line
	// repeats the mark already made, so that an allowed write changes nothing.
	markLine := func(w *matrixWorld, role, target string) any {
		id := map[string]string{tOwn: w.person(role, tOwn).ID, tSame: w.same.ID, tOther: w.other.ID, tNetwork: w.other.ID}[target]
		st := map[string]string{tOwn: "present", tSame: "present", tOther: "present", tNetwork: "late"}[target]
		return []map[string]string{{"collaborator_id": id, "status": st}}
	}
	// The roster form names, on the network session, the LT CTV (on the
	// sheet for staff, with the mark they have; out of reach for a team
	// leader) in a mark and as a walk-in.
	rosterForm := func(w *matrixWorld, role, target string) any {
		f := url.Values{"action": {"save"}}
		if target == tNetwork {
			f.Set("st."+w.other.ID, "late")
			f.Set("walkin", w.other.ID)
		}
		return f
	}
	export := func(ext string) matrixRoute {
		return matrixRoute{targets: append([]string{tNone}, sessionTargets...), build: func(w *matrixWorld, role, target string) matrixReq {
			if target == tNone {
				return api("GET", "/api/v1/attendance/export."+ext+"?from=2026-12-01&to=2026-12-31", nil)
			}
			return api("GET", "/api/v1/attendance/export."+ext+"?session_id="+w.sessions[target], nil)
		}}
	}
	rsvp := func(method string, form url.Values) matrixRoute {
		return matrixRoute{targets: []string{tOwn, tOther}, build: func(w *matrixWorld, role, target string) matrixReq {
			token := w.rsvp
			if target == tOther {
				token = "forgedforgedforgedforgedforged00"
			}
			return page(method, "/rsvp/"+token, form)
		}}
	}
	wrongPassword := map[string]string{"current_password": "wrong-password-1", "new_password": "another-password-1"}
	return map[string]matrixRoute{
		// Platform and sign-in.
		"GET /healthz":             none(api("GET", "/healthz", nil)),
		"GET /readyz":              none(api("GET", "/readyz", nil)),
		"GET /api/openapi.json":    none(api("GET", "/api/openapi.json", nil)),
		"GET /static/:file":        none(api("GET", "/static/app.css", nil)),
		"GET /":                    none(page("GET", "/", nil)),
		"GET /login":               none(page("GET", "/login", nil)),
		"POST /login":              none(page("POST", "/login", url.Values{"email": {""}, "password": {""}})),
		"POST /logout":             none(matrixReq{method: "POST", path: "/logout", page: true, fresh: true}),
		"POST /api/v1/auth/login":  none(api("POST", "/api/v1/auth/login", map[string]string{})),
		"POST /api/v1/auth/logout": none(matrixReq{method: "POST", path: "/api/v1/auth/logout", fresh: true}),
		"GET /api/v1/me":           none(api("GET", "/api/v1/me", nil)),
		"PATCH /api/v1/me":         none(api("PATCH", "/api/v1/me", map[string]string{"language": "fr"})),
		"POST /api/v1/me/password": none(api("POST", "/api/v1/me/password", wrongPassword)),
		"GET /me/password":         none(page("GET", "/me/password", nil)),
		"POST /me/password":        none(page("POST", "/me/password", url.Values{"current_password": {"wrong-password-0"}, "password": {"new-password-1"}, "password_confirm": {"new-password-1"}})),
		"GET /api/v1/areas":        none(api("GET", "/api/v1/areas", nil)),
		"GET /api/v1/users":        none(api("GET", "/api/v1/users", nil)),
		"POST /api/v1/users":       none(api("POST", "/api/v1/users", map[string]string{})),
		"PATCH /api/v1/users/:id": {targets: noTarget, build: func(w *matrixWorld, _, _ string) matrixReq {
			return api("PATCH", "/api/v1/users/"+w.ctvUserID, map[string]string{"role": "nobody"})
		}},

		// Certificates page (a certificate that does not exist: the
		// coordinator passes the guard and finds nothing).
		"GET /certifications":             none(page("GET", "/certifications", nil)),
		"GET /certifications/:id/revoke":  none(page("GET", "/certifications/no-such-certificate/revoke", nil)),
		"POST /certifications/:id/revoke": none(page("POST", "/certifications/no-such-certificate/revoke", url.Values{"reason": {"Kiểm tra"}})),

		"GET /api/v1/certifications/:id/pdf": cert("/api/v1/certifications/%s/pdf"),
		"GET /verify/:code": {targets: noTarget, build: func(w *matrixWorld, _, _ string) matrixReq {
			return matrixReq{method: "GET", path: "/verify/" + w.codes[0], page: true}
		}},

		// Collaborator registry.
		"GET /api/v1/collaborators":          none(api("GET", "/api/v1/collaborators", nil)),
		"POST /api/v1/collaborators":         none(api("POST", "/api/v1/collaborators", map[string]string{})),
		"POST /api/v1/collaborators/import":  none(matrixReq{method: "POST", path: "/api/v1/collaborators/import", upload: true}),
		"GET /api/v1/collaborators/:id":      collab("GET", "/api/v1/collaborators/%s", false, nil),
		"PATCH /api/v1/collaborators/:id":    collab("PATCH", "/api/v1/collaborators/%s", false, map[string]string{"position": "Công chức Văn phòng – Thống kê"}),
		"GET /collaborators":                 none(page("GET", "/collaborators", nil)),
		"GET /collaborators/:id":             collab("GET", "/collaborators/%s", true, nil),
		"GET /collaborators/:id/standing":    collab("GET", "/collaborators/%s/standing", true, nil),
		"GET /me/standing":                   none(page("GET", "/me/standing", nil)),
		"POST /collaborators/:id/activation": collab("POST", "/collaborators/%s/activation", true, url.Values{}),
		// The registry's forms (staff): an empty form is refused for what
		// it says, and nothing is stored.
		"GET /collaborators/new":                  none(page("GET", "/collaborators/new", nil)),
		"POST /collaborators/new":                 none(page("POST", "/collaborators/new", url.Values{})),
		"GET /collaborators/import":               none(page("GET", "/collaborators/import", nil)),
		"GET /collaborators/import/template.csv":  none(page("GET", "/collaborators/import/template.csv", nil)),
		"GET /collaborators/import/template.xlsx": none(page("GET", "/collaborators/import/template.xlsx", nil)),
		"POST /collaborators/import":              none(page("POST", "/collaborators/import", url.Values{})),
		"GET /collaborators/:id/edit":             collab("GET", "/collaborators/%s/edit", true, nil),
		"POST /collaborators/:id/edit":            collab("POST", "/collaborators/%s/edit", true, url.Values{}),

		// Set-password links (accounts): re-sending the activation mail,
		// asking for a reset, and the link pages with a token that is no link.
		"POST /api/v1/collaborators/:id/activation": collab("POST", "/api/v1/collaborators/%s/activation", false, nil),
		"POST /api/v1/auth/password-reset":          none(api("POST", "/api/v1/auth/password-reset", map[string]string{})),
		"GET /forgot":                               none(page("GET", "/forgot", nil)),
		"POST /forgot":                              none(page("POST", "/forgot", url.Values{"email": {""}})),
		"GET /activate/:token":                      none(page("GET", "/activate/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", nil)),
		"POST /activate/:token":                     none(page("POST", "/activate/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", url.Values{"password": {""}, "password_confirm": {""}})),
		"GET /reset/:token":                         none(page("GET", "/reset/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", nil)),
		"POST /reset/:token":                        none(page("POST", "/reset/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", url.Values{"password": {""}, "password_confirm": {""}})),

		// Quarterly performance records: each role works on a quarter of
		// its own, so that one cell's submit changes no other cell's answer.
		"GET /api/v1/performance":                                    none(api("GET", "/api/v1/performance?quarter=2026-Q3", nil)),
		"GET /api/v1/performance/stipends/:quarter":                  none(api("GET", "/api/v1/performance/stipends/2026-Q3", nil)),
		"GET /api/v1/performance/stipends/:quarter.xlsx":             none(api("GET", "/api/v1/performance/stipends/2026-Q3.xlsx", nil)),
		"GET /api/v1/reports/stipends":                               none(api("GET", "/api/v1/reports/stipends?quarter=2026-Q3", nil)),
		"GET /api/v1/reports/stipends.xlsx":                          none(api("GET", "/api/v1/reports/stipends.xlsx?quarter=2026-Q3", nil)),
		"GET /api/v1/performance/targets/:quarter":                   none(api("GET", "/api/v1/performance/targets/2026-Q3", nil)),
		"PUT /api/v1/performance/targets/:quarter":                   none(api("PUT", "/api/v1/performance/targets/2026-Q3", []map[string]any{{"role": "nobody", "area_code": "NT", "targets": map[string]int{}}})),
		"POST /api/v1/performance/import":                            none(matrixReq{method: "POST", path: "/api/v1/performance/import?quarter=2026-Q3", upload: true}),
		"GET /api/v1/performance/:collaborator_id/:quarter":          perfRecord("GET", "", nil),
		"PUT /api/v1/performance/:collaborator_id/:quarter":          perfRecord("PUT", "", map[string]any{"actuals": map[string]int{"profiles": -1}}),
		"POST /api/v1/performance/:collaborator_id/:quarter/submit":  perfRecord("POST", "/submit", nil),
		"POST /api/v1/performance/:collaborator_id/:quarter/approve": perfRecord("POST", "/approve", nil),
		"GET /performance":                                           none(page("GET", "/performance?quarter=2026-Q3", nil)),
		"GET /performance/stipends/:quarter":                         none(page("GET", "/performance/stipends/2026-Q3", nil)),
		"GET /performance/:collaborator_id/:quarter":                 perfPage("GET", "", nil),
		"POST /performance/:collaborator_id/:quarter":                perfPage("POST", "", url.Values{"profiles": {"-1"}, "surveys": {"0"}, "referrals": {"0"}}),
		"POST /performance/:collaborator_id/:quarter/submit":         perfPage("POST", "/submit", url.Values{}),
		"POST /performance/:collaborator_id/:quarter/approve":        perfPage("POST", "/approve", url.Values{}),

		// Leadership reports: the whole network, a team leader's district.
		"GET /api/v1/reports/competency":      none(api("GET", "/api/v1/reports/competency", nil)),
		"GET /api/v1/reports/competency.csv":  none(api("GET", "/api/v1/reports/competency.csv", nil)),
		"GET /api/v1/reports/competency.xlsx": none(api("GET", "/api/v1/reports/competency.xlsx", nil)),
		"GET /api/v1/reports/coverage":        none(api("GET", "/api/v1/reports/coverage", nil)),
		"GET /api/v1/reports/coverage.csv":    none(api("GET", "/api/v1/reports/coverage.csv", nil)),
		"GET /api/v1/reports/coverage.xlsx":   none(api("GET", "/api/v1/reports/coverage.xlsx", nil)),
		"GET /api/v1/reports/quarters":        none(api("GET", "/api/v1/reports/quarters", nil)),
		"GET /api/v1/reports/quarters.csv":    none(api("GET", "/api/v1/reports/quarters.csv", nil)),
		"GET /api/v1/reports/quarters.xlsx":   none(api("GET", "/api/v1/reports/quarters.xlsx", nil)),
		"GET /api/v1/reports/contracts":       none(api("GET", "/api/v1/reports/contracts", nil)),
		"GET /api/v1/reports/contracts.csv":   none(api("GET", "/api/v1/reports/contracts.csv", nil)),
		"GET /api/v1/reports/contracts.xlsx":  none(api("GET", "/api/v1/reports/contracts.xlsx", nil)),
		"GET /api/v1/reports/courses":         none(api("GET", "/api/v1/reports/courses", nil)),
		"GET /api/v1/reports/courses.csv":     none(api("GET", "/api/v1/reports/courses.csv", nil)),
		"GET /api/v1/reports/courses.xlsx":    none(api("GET", "/api/v1/reports/courses.xlsx", nil)),
		"GET /reports/coverage":               none(page("GET", "/reports/coverage", nil)),
		"GET /reports/courses":                none(page("GET", "/reports/courses", nil)),
		"GET /reports/quarters":               none(page("GET", "/reports/quarters", nil)),
		"GET /reports/contracts":              none(page("GET", "/reports/contracts", nil)),
		// The expiring certificates and the matrix's totals downloads.
		"GET /api/v1/reports/expiring.csv":          none(api("GET", "/api/v1/reports/expiring.csv", nil)),
		"GET /api/v1/reports/expiring.xlsx":         none(api("GET", "/api/v1/reports/expiring.xlsx", nil)),
		"GET /api/v1/reports/competency-totals.csv": none(api("GET", "/api/v1/reports/competency-totals.csv", nil)),

		// Standing, the contract review (a decision for nobody: the
		// coordinator passes the guard and is refused for what it said)
		// and recognition.
		"GET /api/v1/collaborators/:id/standing":           collab("GET", "/api/v1/collaborators/%s/standing", false, nil),
		"GET /api/v1/contracts/review":                     none(api("GET", "/api/v1/contracts/review?quarter=2026-Q4", nil)),
		"POST /api/v1/contracts/review/:quarter/decisions": none(api("POST", "/api/v1/contracts/review/2026-Q4/decisions", []map[string]string{{"collaborator_id": "nobody", "decision": "renew"}})),
		"GET /api/v1/recognition":                          none(api("GET", "/api/v1/recognition?quarter=2026-Q3", nil)),
		"GET /reports/competency":                          none(page("GET", "/reports/competency", nil)),
		"GET /contracts/review":                            none(page("GET", "/contracts/review?quarter=2026-Q4", nil)),
		"POST /contracts/review/:quarter/decisions":        none(page("POST", "/contracts/review/2026-Q4/decisions", url.Values{"collaborator_id": {"nobody"}, "decision": {"renew"}})),
		"GET /recognition":                                 none(page("GET", "/recognition?quarter=2026-Q3", nil)),

		// Courses and quizzes.
		"GET /api/v1/courses":                 none(api("GET", "/api/v1/courses", nil)),
		"GET /api/v1/courses/:code":           none(api("GET", "/api/v1/courses/KC-103", nil)),
		"GET /courses":                        none(page("GET", "/courses", nil)),
		"GET /courses/:code":                  none(page("GET", "/courses/KC-103", nil)),
		"POST /api/v1/courses/:code/attempts": none(matrixReq{method: "POST", path: "/api/v1/courses/KC-103/attempts", taker: true}),
		"GET /api/v1/attempts/:id":            attempt("GET", "/api/v1/attempts/%s", false, nil, false),
		"PUT /api/v1/attempts/:id/answers":    attempt("PUT", "/api/v1/attempts/%s/answers", false, map[string]any{"answers": map[string][]string{}}, false),
		"POST /api/v1/attempts/:id/submit": {targets: personTargets, build: func(w *matrixWorld, role, target string) matrixReq {
			// The caller's own attempt is submitted with the right answers
			// (it passes: the key may show); the others' with none.
			id := w.submitAttempt(role, target)
			var body any
			if target == tOwn {
				body = map[string]any{"answers": w.right[id]}
			}
			return api("POST", "/api/v1/attempts/"+id+"/submit", body)
		}},
		"GET /api/v1/me/attempts":                             none(api("GET", "/api/v1/me/attempts", nil)),
		"GET /api/v1/courses/:code/results":                   none(api("GET", "/api/v1/courses/KC-103/results", nil)),
		"GET /api/v1/courses/:code/item-analysis":             none(api("GET", "/api/v1/courses/KC-103/item-analysis", nil)),
		"GET /courses/:code/quiz":                             none(matrixReq{method: "GET", path: "/courses/KC-103/quiz", page: true, taker: true}),
		"POST /courses/:code/quiz":                            none(matrixReq{method: "POST", path: "/courses/KC-103/quiz", page: true, form: url.Values{}}),
		"GET /attempts/:id":                                   attempt("GET", "/attempts/%s", true, nil, false),
		"POST /attempts/:id":                                  attempt("POST", "/attempts/%s", true, url.Values{"action": {"save"}}, false),
		"GET /me/attempts":                                    none(page("GET", "/me/attempts", nil)),
		"GET /courses/:code/results":                          none(page("GET", "/courses/KC-103/results", nil)),
		"GET /courses/:code/item-analysis":                    none(page("GET", "/courses/KC-103/item-analysis", nil)),
		"POST /api/v1/collaborators/:id/courses/:code/cycles": collab("POST", "/api/v1/collaborators/%s/courses/KC-103/cycles", false, map[string]string{"reason": "matrix"}),
		"GET /api/v1/attempts": {targets: append([]string{tNone}, personTargets...), build: func(w *matrixWorld, role, target string) matrixReq {
			if target == tNone {
				return api("GET", "/api/v1/attempts", nil)
			}
			return api("GET", "/api/v1/attempts?collaborator_id="+w.person(role, target).ID, nil)
		}},

		// Scheduling.
		"GET /api/v1/sessions":                     none(api("GET", "/api/v1/sessions?week=2026-W50", nil)),
		"POST /api/v1/sessions":                    none(api("POST", "/api/v1/sessions", map[string]string{})),
		"GET /api/v1/sessions/:id":                 session("GET", "/api/v1/sessions/%s", false, nil),
		"PATCH /api/v1/sessions/:id":               session("PATCH", "/api/v1/sessions/%s", false, func(*matrixWorld, string, string) any { return map[string]any{} }),
		"POST /api/v1/sessions/:id/cancel":         session("POST", "/api/v1/sessions/%s/cancel", false, func(*matrixWorld, string, string) any { return map[string]string{"reason": ""} }),
		"POST /api/v1/sessions/:id/invitations":    session("POST", "/api/v1/sessions/%s/invitations", false, func(*matrixWorld, string, string) any { return map[string]any{} }),
		"GET /api/v1/sessions/:id/invitations":     session("GET", "/api/v1/sessions/%s/invitations", false, nil),
		"PUT /api/v1/sessions/:id/attendance":      session("PUT", "/api/v1/sessions/%s/attendance", false, markLine),
		"GET /api/v1/sessions/:id/attendance":      session("GET", "/api/v1/sessions/%s/attendance", false, nil),
		"POST /api/v1/sessions/:id/checkin":        session("POST", "/api/v1/sessions/%s/checkin", false, func(*matrixWorld, string, string) any { return map[string]string{"code": "000000"} }),
		"GET /api/v1/me/sessions":                  none(api("GET", "/api/v1/me/sessions", nil)),
		"GET /api/v1/collaborators/:id/attendance": collab("GET", "/api/v1/collaborators/%s/attendance", false, nil),
		"GET /api/v1/attendance/export.csv":        export("csv"),
		"GET /api/v1/attendance/export.xlsx":       export("xlsx"),
		"GET /rsvp/:token":                         rsvp("GET", nil),
		"POST /rsvp/:token":                        rsvp("POST", url.Values{"answer": {"maybe"}}),
		"GET /sessions":                            none(page("GET", "/sessions?week=2026-W50", nil)),
		"GET /sessions/new":                        none(page("GET", "/sessions/new", nil)),
		"POST /sessions":                           none(page("POST", "/sessions", url.Values{})),
		"GET /sessions/:id":                        session("GET", "/sessions/%s", true, nil),
		"POST /sessions/:id/invite":                session("POST", "/sessions/%s/invite", true, func(*matrixWorld, string, string) any { return url.Values{} }),
		"GET /sessions/:id/roster":                 session("GET", "/sessions/%s/roster", true, nil),
		"POST /sessions/:id/roster":                session("POST", "/sessions/%s/roster", true, rosterForm),
		"GET /sessions/:id/checkin-screen":         session("GET", "/sessions/%s/checkin-screen", true, nil),
		"GET /sessions/:id/edit":                   session("GET", "/sessions/%s/edit", true, nil),
		"POST /sessions/:id/edit":                  session("POST", "/sessions/%s/edit", true, func(*matrixWorld, string, string) any { return url.Values{} }),
		"GET /sessions/:id/cancel":                 session("GET", "/sessions/%s/cancel", true, nil),
		"POST /sessions/:id/cancel":                session("POST", "/sessions/%s/cancel", true, func(*matrixWorld, string, string) any { return url.Values{} }),
		"GET /me/sessions":                         none(page("GET", "/me/sessions", nil)),
		"GET /checkin/:id":                         session("GET", "/checkin/%s", true, nil),
		"POST /checkin/:id":                        session("POST", "/checkin/%s", true, func(*matrixWorld, string, string) any { return url.Values{"code": {"000000"}} }),

		// Mail outbox.
		"GET /api/v1/outbox":            none(api("GET", "/api/v1/outbox", nil)),
		"POST /api/v1/outbox/:id/retry": none(api("POST", "/api/v1/outbox/no-such-message/retry", nil)),
		"GET /outbox":                   none(page("GET", "/outbox", nil)),
		"POST /outbox/:id/retry":        none(page("POST", "/outbox/no-such-message/retry", url.Values{})),

		// Certification.
		"GET /api/v1/certifications":             none(api("GET", "/api/v1/certifications", nil)),
		"GET /api/v1/me/certifications":          none(api("GET", "/api/v1/me/certifications", nil)),
		"POST /api/v1/certifications/:id/revoke": none(api("POST", "/api/v1/certifications/no-such-certificate/revoke", map[string]string{"reason": "matrix"})),
	}
}

// matrixKey names one cell of the table.
type matrixKey struct{ route, method, role, target string }

// readMatrix reads the expected table.
func readMatrix(t *testing.T) map[matrixKey]string {
	t.Helper()
	f, err := os.Open(matrixFile)
	if err != nil {
		t.Fatalf("the expected table: %v (write it with -update-matrix)", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", matrixFile, err)
	}
	out := map[matrixKey]string{}
	for i, row := range rows {
		if i == 0 {
			continue // the header
		}
		if len(row) != 5 {
			t.Fatalf("%s line %d: want route,method,role,target,expect", matrixFile, i+1)
		}
		k := matrixKey{row[0], row[1], row[2], row[3]}
		if _, dup := out[k]; dup {
			t.Fatalf("%s line %d: %v appears twice", matrixFile, i+1, k)
		}
		out[k] = row[4]
	}
	return out
}

// writeMatrix writes the observed table, sorted by route, method, target and role.
func writeMatrix(t *testing.T, got map[matrixKey]string) {
	t.Helper()
	keys := make([]matrixKey, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	roleN := map[string]int{}
	for i, r := range matrixRoles {
		roleN[r] = i
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.route != b.route {
			return a.route < b.route
		}
		if a.method != b.method {
			return a.method < b.method
		}
		if a.target != b.target {
			return a.target < b.target
		}
		return roleN[a.role] < roleN[b.role]
	})
	var buf bytes.Buffer
	buf.WriteString(matrixHeader)
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"route", "method", "role", "target", "expect"})
	for _, k := range keys {
		_ = w.Write([]string{k.route, k.method, k.role, k.target, got[k]})
	}
	w.Flush()
	if err := os.WriteFile(matrixFile, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d cells to %s", len(keys), matrixFile)
}

const matrixHeader = `# Authorization matrix (modules/app/authz_matrix_test.go): every route ×
# role × target, and the answer expected. Targets, relative to the district
# NT where the ctv and team_leader callers work: own (the caller's own
# record or a session they are invited to; callers without a collaborator
# record get the NT CTV's), same (another record of NT; a session for NT),
# other (a record of LT; a session for LT), network (a session open to the
# whole network with people of NT, LT and TB; an attendance write there
# names an LT CTV), - (no record; a period for the exports). Expect:
# allow (2xx, or a redirect anywhere but to sign in), invalid (400, 409,
# 413, 422: read and refused for what it said — the matrix sends such
# bodies where a write would change what other cells see), deny401 (401,
# or a redirect to sign in), deny403, notfound (404: outside scope, or
# absent). Policies: policies/*.csv. Change a line only with the code.
`

// scopePeople returns, for a caller, the people they may receive: nil
// for staff (everyone), the NT people for the team leader, the NT CTV
// for the ctv.
func (w *matrixWorld) outside(role string, all []collaborators.Collaborator) []collaborators.Collaborator {
	var out []collaborators.Collaborator
	for _, c := range all {
		switch role {
		case "team_leader":
			if c.AreaCode != "NT" {
				out = append(out, c)
			}
		case "ctv":
			if c.ID != w.self.ID {
				out = append(out, c)
			}
		}
	}
	return out
}

// personMark is what identifies a person in a body: id, email, full name
// (between non-letters, so that "Nguyễn Văn An" is not found in "Nguyễn Văn Anh").
type personMark struct {
	c    collaborators.Collaborator
	name *regexp.Regexp
}

func marksOf(cs []collaborators.Collaborator) []personMark {
	out := make([]personMark, len(cs))
	for i, c := range cs {
		out[i] = personMark{c: c, name: regexp.MustCompile(`(^|[^\p{L}])` + regexp.QuoteMeta(c.FullName) + `($|[^\p{L}])`)}
	}
	return out
}

// found names the people of marks a text mentions.
func found(text string, marks []personMark) []string {
	var out []string
	for _, m := range marks {
		named := strings.Contains(text, m.c.FullName) && m.name.MatchString(text)
		if named || strings.Contains(text, m.c.ID) || strings.Contains(text, m.c.Email) {
			out = append(out, m.c.FullName+" ("+m.c.AreaCode+")")
		}
	}
	return out
}

// bodyText is what a body says, an XLSX export's cells included.
func bodyText(t *testing.T, header http.Header, body []byte) string {
	t.Helper()
	if strings.Contains(header.Get("Content-Type"), "spreadsheetml") {
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Errorf("an XLSX export that does not open: %v", err)
			return ""
		}
		defer f.Close()
		var b strings.Builder
		for _, sh := range f.GetSheetList() {
			rows, _ := f.GetRows(sh)
			for _, r := range rows {
				b.WriteString(strings.Join(r, "\t") + "\n")
			}
		}
		return b.String()
	}
	return string(body)
}

// What a quiz taker may receive depends on where the attempt stands and
// on the course's review rule.
type keyRule int

const (
	// keyOpen: before submitting, nothing of the key — no result, no
	// review, no right options.
	keyOpen keyRule = iota
	// keyScoreOnly: submitted, in a score-only course: the score alone —
	// no review (which questions were right tells the key too).
	keyScoreOnly
	// keyWithheld: submitted and failed where the right options wait for a
	// pass (answers_after_pass): the review may say right or wrong, never
	// the right options.
	keyWithheld
)

// forbidden are, per rule, the JSON names an answer key travels under (a
// number named "correct" is a result's count of right answers: the score).
var forbidden = map[keyRule]map[string]bool{
	keyOpen:      {"correct": true, "is_correct": true, "correct_ids": true, "answer_key": true, "key": true, "review": true, "result": true},
	keyScoreOnly: {"correct": true, "is_correct": true, "correct_ids": true, "answer_key": true, "key": true, "review": true},
	keyWithheld:  {"correct": true, "correct_ids": true, "answer_key": true, "key": true},
}

// inPage finds, per rule, an answer key on a page: the review section of a
// result, its "right answer" lines, markup naming a key. (Question texts
// may say "chọn tất cả đáp án đúng": words alone prove nothing.)
var inPage = map[keyRule]*regexp.Regexp{
	keyOpen:      regexp.MustCompile(`(?i)id="review"|<dt>\s*(Đáp án đúng|Right answer)\s*</dt>|data-correct|is_correct|answer[-_]?key`),
	keyScoreOnly: regexp.MustCompile(`(?i)id="review"|<dt>\s*(Đáp án đúng|Right answer)\s*</dt>|data-correct|is_correct|answer[-_]?key`),
	keyWithheld:  regexp.MustCompile(`(?i)<dt>\s*(Đáp án đúng|Right answer)\s*</dt>|data-correct|answer[-_]?key`),
}

// keyFields lists the fields of a JSON document the rule forbids.
func keyFields(v any, path string, rule keyRule) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if _, count := e.(float64); forbidden[rule][strings.ToLower(k)] && !(k == "correct" && count) {
				out = append(out, path+"."+k)
			}
			out = append(out, keyFields(e, path+"."+k, rule)...)
		}
	case []any:
		for i, e := range x {
			out = append(out, keyFields(e, fmt.Sprintf("%s[%d]", path, i), rule)...)
		}
	}
	return out
}

// answerKey lists what a body carries that the rule forbids.
func answerKey(t *testing.T, header http.Header, body []byte, rule keyRule) []string {
	t.Helper()
	if strings.Contains(header.Get("Content-Type"), "json") {
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			t.Errorf("not JSON: %v: %s", err, truncate(body))
			return nil
		}
		return keyFields(v, "", rule)
	}
	if m := inPage[rule].FindString(string(body)); m != "" {
		return []string{m}
	}
	return nil
}

// checkTaker counts an answer a quiz taker received before the review rule
// shows the key, and records any answer key in it.
func (w *matrixWorld) checkTaker(t *testing.T, what string, header http.Header, body []byte, rule keyRule) {
	t.Helper()
	leaks := answerKey(t, header, body, rule)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.keyChecked++
	for _, l := range leaks {
		w.answerKeys = append(w.answerKeys, what+": "+l)
	}
}

// TestAuthorizationMatrix calls every route as every role on every
// target and compares each answer's class with the table; it fails on a
// route the table or the matrix does not know. Beside the classes it
// counts what a team leader or a CTV receives about people outside their
// scope (lists, rosters, exports, pages) and what a quiz taker receives of
// an answer key before submitting: both must be 0. Run with -v for the
// figures.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC) // Monday 08:00 in Vietnam, week 2026-W50
	clk := clock.NewManual(start.Add(10 * time.Minute))   // the sessions are under way
	s := apptest.Start(t, apptest.Options{Clock: clk, Courses: matrixCourses(t)})
	w := setupMatrix(t, s, start)

	routes := matrixRoutes()
	var want map[matrixKey]string
	if !*updateMatrix {
		want = readMatrix(t)
	}
	registered := map[string]bool{}
	for _, r := range s.Routes() {
		key := r.Method + " " + r.Path
		registered[key] = true
		if _, ok := routes[key]; !ok {
			t.Errorf("%s is registered but the matrix does not call it: add it to matrixRoutes and the table", key)
		}
	}
	for key := range routes {
		if !registered[key] {
			t.Errorf("the matrix calls %s, which is not registered: remove it", key)
		}
	}

	all := s.Collaborators(t)
	outside := map[string][]personMark{"ctv": marksOf(w.outside("ctv", all)), "team_leader": marksOf(w.outside("team_leader", all))}
	var mu sync.Mutex
	got := map[matrixKey]string{}
	unexpectedAllows, mismatches := 0, 0
	t.Run("cells", func(t *testing.T) {
		for key, rt := range routes {
			if !registered[key] {
				continue
			}
			method, route, _ := strings.Cut(key, " ")
			t.Run(key, func(t *testing.T) {
				t.Parallel()
				for _, target := range rt.targets {
					for _, role := range matrixRoles {
						req := rt.build(w, role, target)
						status, loc, header, body := w.call(t, role, req)
						class := classify(status, loc)
						k := matrixKey{route, method, role, target}
						mu.Lock()
						got[k] = class
						mu.Unlock()
						what := fmt.Sprintf("%s %s (%s) as %s", req.method, req.path, target, role)
						if marks := outside[role]; marks != nil && status < 300 {
							names := found(bodyText(t, header, body), marks)
							w.mu.Lock()
							w.scopeChecked++
							for _, n := range names {
								w.rowLeaks = append(w.rowLeaks, what+": "+n)
							}
							w.mu.Unlock()
						}
						if req.taker && (role == "ctv" || role == "team_leader") && status < 300 {
							w.checkTaker(t, what, header, body, keyOpen)
						}
						if *updateMatrix {
							continue
						}
						exp, ok := want[k]
						switch {
						case !ok:
							t.Errorf("%s: no line in %s (answered %s)", what, matrixFile, class)
						case exp != class:
							mu.Lock()
							mismatches++
							if class == outAllow && (exp == outDeny401 || exp == outDeny403 || exp == outNotFound) {
								unexpectedAllows++
							}
							mu.Unlock()
							t.Errorf("%s: %s (%d %s), want %s: %s", what, class, status, loc, exp, truncate(body))
						}
					}
				}
			})
		}
	})
	if *updateMatrix {
		writeMatrix(t, got)
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			t.Errorf("%s line %v names no cell the matrix calls: remove it", matrixFile, k)
		}
	}
	w.checkListCounts(t, all)

	t.Logf("authorization matrix: %d routes, %d cells; %d answers differ from the table; %d unexpected allows", len(routes), len(got), mismatches, unexpectedAllows)
	t.Logf("row scope: %d answers to a ctv or team leader read, %d people outside their scope received", w.scopeChecked, len(w.rowLeaks))
	t.Logf("answer key: %d answers to a taker before the review rule shows the key read, %d answer-key fields received", w.keyChecked, len(w.answerKeys))
	for _, l := range w.rowLeaks {
		t.Errorf("outside the caller's scope: %s", l)
	}
	for _, l := range w.answerKeys {
		t.Errorf("answer key before the review rule shows it: %s", l)
	}
	// The detectors see the key where the review rule shows it: the
	// taker's KC-104 attempt, submitted with the right answers (passed).
	for _, role := range []string{"ctv", "team_leader"} {
		id := w.submitAttempt(role, tOwn)
		if r := w.s.Do(t, "GET", "/api/v1/attempts/"+id, w.tokens[role], nil); len(answerKey(t, r.Header, r.Body, keyWithheld)) == 0 {
			t.Errorf("the answer-key detector misses the key of %s's passed attempt (API): %s", role, truncate(r.Body))
		}
		if r := w.s.Page(t, "/attempts/"+id, w.tokens[role]); len(answerKey(t, r.Header, r.Body, keyWithheld)) == 0 {
			t.Errorf("the answer-key detector misses the key of %s's passed attempt (page)", role)
		}
	}
	if w.scopeChecked < 100 || w.keyChecked < 8 {
		t.Errorf("too few answers checked (%d for row scope, %d for the answer key): the matrix lost its reach", w.scopeChecked, w.keyChecked)
	}
	if unexpectedAllows != 0 {
		t.Errorf("%d unexpected allows", unexpectedAllows)
	}
}

// call sends one request as role and reads the answer.
func (w *matrixWorld) call(t *testing.T, role string, req matrixReq) (status int, location string, header http.Header, body []byte) {
	t.Helper()
	token := w.tokens[role]
	if req.fresh && role != "anonymous" {
		token = w.s.LoginDemo(t, w.email(role)) // signing out ends the session: a session of its own
	}
	switch {
	case req.upload:
		r := w.s.Upload(t, req.path, token, "empty.csv", nil)
		return r.Status, r.Header.Get("Location"), r.Header, r.Body
	case req.page && req.method == "GET":
		r := w.s.Page(t, req.path, token)
		return r.Status, r.Header.Get("Location"), r.Header, r.Body
	case req.page:
		f := w.s.Forms(t, token)
		// The CSRF token of a page the caller can read.
		if role == "anonymous" {
			f.Get("/login")
		} else {
			f.Get("/courses")
		}
		form := url.Values{} // Post adds the token: a copy, as every role posts the same form
		for k, v := range req.form {
			form[k] = v
		}
		r := f.Post(req.path, form)
		return r.Status, r.Location, r.Header, []byte(r.Body)
	}
	r := w.s.Do(t, req.method, req.path, token, req.body)
	return r.Status, r.Header.Get("Location"), r.Header, r.Body
}

// email is the sign-in of a role's caller.
func (w *matrixWorld) email(role string) string {
	switch role {
	case "ctv":
		return w.self.Email
	case "team_leader":
		return w.leader.Email
	case "leadership":
		return apptest.Leadership
	case "coordinator":
		return apptest.Coordinator
	case "admin":
		return apptest.Admin
	}
	return ""
}

// setupMatrix signs every role in and makes the sessions and attempts the
// targets name. Sessions start at start, for NT (own: the NT CTV and team
// leader invited; same: another NT CTV), LT (other) and the whole network.
func setupMatrix(t *testing.T, s *apptest.Server, start time.Time) *matrixWorld {
	t.Helper()
	w := &matrixWorld{s: s, tokens: map[string]string{}, sessions: map[string]string{}, attempts: map[string]string{},
		right: map[string]map[string][]string{}}
	nt, lt := s.FindAll(t, "ctv", "NT", 2), s.FindAll(t, "ctv", "LT", 2)
	w.self, w.same, w.other, w.other2, w.tb = nt[0], nt[1], lt[0], lt[1], s.FindAll(t, "ctv", "TB", 2)[0]
	w.leader = s.Find(t, "team_leader", "NT")
	for _, role := range matrixRoles[1:] {
		w.tokens[role] = s.LoginDemo(t, w.email(role))
	}
	var me struct {
		ID string `json:"id"`
	}
	s.Do(t, "GET", "/api/v1/me", w.tokens["ctv"], nil).JSON(t, &me)
	w.ctvUserID = me.ID
	coord := w.tokens["coordinator"]

	// Sessions, invitations and marks.
	times := func(area string) map[string]any {
		return map[string]any{"course_code": "KC-101", "title": "Tập huấn ma trận phân quyền", "location": "Hội trường Trung tâm",
			"area_code": area, "trainer": "ThS. Lê Văn Hùng", "starts_at": start.Format(time.RFC3339), "ends_at": start.Add(3 * time.Hour).Format(time.RFC3339)}
	}
	plan := []struct {
		target, area string
		invite       []string
		marks        []map[string]string
	}{
		{tOwn, "NT", []string{w.self.ID, w.leader.ID}, []map[string]string{{"collaborator_id": w.self.ID, "status": "present"}, {"collaborator_id": w.leader.ID, "status": "present"}}},
		{tSame, "NT", []string{w.same.ID}, []map[string]string{{"collaborator_id": w.same.ID, "status": "present"}}},
		{tOther, "LT", []string{w.other.ID, w.other2.ID}, []map[string]string{{"collaborator_id": w.other.ID, "status": "present"}}},
		{tNetwork, "", []string{w.same.ID, w.other.ID, w.other2.ID}, []map[string]string{
			{"collaborator_id": w.same.ID, "status": "present"}, {"collaborator_id": w.other.ID, "status": "late"}, {"collaborator_id": w.tb.ID, "status": "present"}}},
	}
	for _, p := range plan {
		r := s.Do(t, "POST", "/api/v1/sessions", coord, times(p.area))
		if r.Status != 201 {
			t.Fatalf("create the %s session: %d %s", p.target, r.Status, r.Body)
		}
		var c struct {
			Items []scheduling.SessionView `json:"items"`
		}
		r.JSON(t, &c)
		id := c.Items[0].ID
		w.sessions[p.target] = id
		if r := s.Do(t, "POST", "/api/v1/sessions/"+id+"/invitations", coord, map[string]any{"collaborator_ids": p.invite}); r.Status != 200 {
			t.Fatalf("invite to the %s session: %d %s", p.target, r.Status, r.Body)
		}
		if r := s.Do(t, "PUT", "/api/v1/sessions/"+id+"/attendance", coord, p.marks); r.Status != 200 {
			t.Fatalf("mark the %s session: %d %s", p.target, r.Status, r.Body)
		}
	}
	w.rsvp = s.App.Scheduling.Token(w.sessions[tOwn], w.self.ID)

	// Attempts: the callers' own live ones (KC-103, and KC-104 to submit),
	// the NT CTV's graded one, the LT CTV's live one.
	start1 := func(who, token, course string) string {
		r := s.Do(t, "POST", "/api/v1/courses/"+course+"/attempts", token, nil)
		if r.Status != 201 {
			t.Fatalf("%s starts %s: %d %s", who, course, r.Status, r.Body)
		}
		w.checkTaker(t, "the start of "+who+"'s "+course+" attempt", r.Header, r.Body, keyOpen)
		id, right := rightAnswers(t, s, r, course)
		w.right[id] = right
		got := s.Do(t, "GET", "/api/v1/attempts/"+id, token, nil)
		w.checkTaker(t, "GET of "+who+"'s open "+course+" attempt", got.Header, got.Body, keyOpen)
		return id
	}
	sameTok, otherTok := s.LoginDemo(t, w.same.Email), s.LoginDemo(t, w.other.Email)
	w.attempts["self"] = start1("the NT CTV", w.tokens["ctv"], "KC-103")
	w.attempts["leader"] = start1("the NT team leader", w.tokens["team_leader"], "KC-103")
	w.attempts["submit:self"] = start1("the NT CTV", w.tokens["ctv"], "KC-104")
	w.attempts["submit:leader"] = start1("the NT team leader", w.tokens["team_leader"], "KC-104")
	w.attempts["same"] = start1("another NT CTV", sameTok, "KC-103")
	w.attempts["other"] = start1("an LT CTV", otherTok, "KC-103")
	if r := s.Do(t, "POST", "/api/v1/attempts/"+w.attempts["same"]+"/submit", sameTok, nil); r.Status != 200 {
		t.Fatalf("submit the NT CTV's attempt: %d %s", r.Status, r.Body)
	}
	// A certificate each (KC-102 needs no attendance): the PDF's targets.
	w.certs = map[string]string{}
	// The CTV's own first: /verify walks w.codes[0] (the page names its
	// holder, and the row-scope count would flag another's name).
	for _, x := range []struct{ who, tok string }{{"self", w.tokens["ctv"]}, {"leader", w.tokens["team_leader"]}, {"same", sameTok}, {"other", otherTok}} {
		who, tok := x.who, x.tok
		passQuiz(t, s, tok, "KC-102")
		l := certs(t, s, tok, "/api/v1/me/certifications")
		if l.Total != 1 {
			t.Fatalf("%s holds %d certificates after a pass", who, l.Total)
		}
		w.certs[who] = l.Items[0].ID
		w.codes = append(w.codes, string(l.Items[0].VerificationCode))
	}
	// submitEmpty submits the NT CTV's attempt id with no answer and checks
	// that its result, its GET and its page show the taker what rule allows;
	// it returns the page.
	submitEmpty := func(what, id string, rule keyRule) apptest.Response {
		t.Helper()
		r := s.Do(t, "POST", "/api/v1/attempts/"+id+"/submit", w.tokens["ctv"], map[string]any{"answers": map[string][]string{}})
		if r.Status != 200 {
			t.Fatalf("submit %s: %d %s", what, r.Status, r.Body)
		}
		w.checkTaker(t, "the result of "+what, r.Header, r.Body, rule)
		r = s.Do(t, "GET", "/api/v1/attempts/"+id, w.tokens["ctv"], nil)
		w.checkTaker(t, "GET of "+what, r.Header, r.Body, rule)
		r = s.Page(t, "/attempts/"+id, w.tokens["ctv"])
		w.checkTaker(t, "the page of "+what, r.Header, r.Body, rule)
		return r
	}
	// A course whose review shows the score alone: after submitting, the
	// taker still receives no key (nor which questions were right).
	scoreOnly := start1("the NT CTV", w.tokens["ctv"], scoreOnlyCourse)
	if r := submitEmpty("a score-only attempt", scoreOnly, keyScoreOnly); r.Status != 200 || !strings.Contains(string(r.Body), "Khóa học này chỉ cho xem điểm") {
		t.Errorf("the page of a submitted score-only attempt: %d %s", r.Status, truncate(r.Body))
	}
	// Where the right options wait for a pass, a failed attempt shows none.
	if c, _ := s.App.Courses.Course("KC-105"); c.Quiz.Review == "answers_after_pass" {
		submitEmpty("a failed KC-105 attempt (answers after a pass)", start1("the NT CTV", w.tokens["ctv"], "KC-105"), keyWithheld)
	}
	if n, err := s.App.DB.Collection("sessions").CountDocuments(context.Background(), map[string]any{}); err != nil || n != 4 {
		t.Fatalf("%d sessions (%v), want 4", n, err)
	}
	return w
}

// checkListCounts checks that the registry's list holds exactly the
// caller's scope: the CTV alone, the team leader's whole district (and
// nothing when filtering another), everyone for staff.
func (w *matrixWorld) checkListCounts(t *testing.T, all []collaborators.Collaborator) {
	t.Helper()
	nt := 0
	for _, c := range all {
		if c.AreaCode == "NT" && !c.Archived {
			nt++
		}
	}
	type list = web.List[collaborators.Collaborator]
	for role, n := range map[string]int{"ctv": 1, "team_leader": nt, "leadership": len(all), "coordinator": len(all), "admin": len(all)} {
		var l list
		w.s.Do(t, "GET", "/api/v1/collaborators?limit=1000", w.tokens[role], nil).JSON(t, &l)
		if l.Total != n || len(l.Items) != n {
			t.Errorf("%s lists %d collaborators (total %d), want %d", role, len(l.Items), l.Total, n)
		}
	}
	var l list
	w.s.Do(t, "GET", "/api/v1/collaborators?area_code=LT", w.tokens["team_leader"], nil).JSON(t, &l)
	if l.Total != 0 {
		t.Errorf("the team leader of NT filtering LT lists %d", l.Total)
	}
}

var reviewLine = regexp.MustCompile(`(?m)^review: .*$`)

// scoreOnlyCourse is a copy of KC-103 whose review shows the score alone
// (no shipped course does).
const scoreOnlyCourse = "KC-193"

// matrixCourses is the product's catalog with scoreOnlyCourse added.
func matrixCourses(t *testing.T) fs.FS {
	t.Helper()
	m := courseFiles(t, func(_ string, b []byte) []byte { return b })
	for p, f := range m {
		if rest, ok := strings.CutPrefix(p, "courses/KC-103/"); ok {
			b := bytes.Replace(f.Data, []byte("code: KC-103"), []byte("code: "+scoreOnlyCourse), 1)
			b = reviewLine.ReplaceAll(b, []byte("review: score_only"))
			m["courses/"+scoreOnlyCourse+"/"+rest] = &fstest.MapFile{Data: b}
		}
	}
	if !bytes.Contains(m["courses/"+scoreOnlyCourse+"/quiz.yaml"].Data, []byte("review: score_only")) {
		t.Fatal("the score-only copy of KC-103 was not made")
	}
	return m
}
