package app_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/mail"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/ctvacademy/academy/policies"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// writtenByRefusals names the collections a refused request is meant to
// write, and why; the store check leaves out only these.
var writtenByRefusals = map[string]string{
	"login_throttle": "a refused sign-in counts against the account and the client: that is what the throttle is for",
}

// TestBadInputGenerated sends a corpus of malformed requests, generated from
// the OpenAPI document and from the forms of the pages, to one running
// service, signed in as a coordinator (an admin for admin-only routes) and as
// a CTV for the routes a CTV reaches. Every answer must be below 500; every
// mutation the corpus marks as bad must be refused with a 4xx, a
// problem+json under /api/v1 (naming the field at fault for a 400); and the
// store must hold exactly what it held before, but for writtenByRefusals.
// With ACADEMY_BADINPUT_DUMP=<file> it writes every request and its answer
// there, one a line.
func TestBadInputGenerated(t *testing.T) {
	t.Parallel()
	start := time.Now()
	// A clock that does not move: no job falls due during the corpus.
	clk := clock.NewManual(time.Now().UTC().Truncate(time.Minute))
	s := apptest.Start(t, apptest.Options{Clock: clk})
	w := newWorld(t, s, clk)

	probes := w.apiProbes()
	nAPI := len(probes)
	probes = append(probes, w.formProbes()...)
	// Probes that may end a session of the corpus run last.
	sort.SliceStable(probes, func(i, j int) bool { return !probes[i].last && probes[j].last })
	if len(probes) < 2000 {
		t.Fatalf("the corpus has %d requests, want at least 2,000", len(probes))
	}

	w.warmUp()
	w.waitQuiet()
	before := hashStore(t, s.App.DB)

	results := make([]result, len(probes))
	// Three at a time; the probes marked last run alone after them.
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results[i] = w.send(probes[i])
			}
		}()
	}
	for i, p := range probes {
		if !p.last {
			jobs <- i
		}
	}
	close(jobs)
	wg.Wait()
	for i, p := range probes {
		if p.last {
			results[i] = w.send(p)
		}
	}

	w.waitQuiet()
	after := hashStore(t, s.App.DB)

	// Every API operation and every form is in the corpus.
	covered := map[string]bool{}
	for _, p := range probes {
		covered[p.route] = true
	}
	for _, op := range w.ops {
		if !covered[op.method+" "+op.path] {
			t.Errorf("no request of the corpus reaches %s %s", op.method, op.path)
		}
	}

	// Per request.
	statuses := map[int]int{}
	failures := map[string][]string{}
	firstBody := map[string]string{}
	ignored := []string{}
	accepted := map[string]int{}
	for i, p := range probes {
		r := results[i]
		statuses[r.status]++
		for _, msg := range w.check(p, r) {
			if _, seen := failures[msg]; !seen {
				firstBody[msg] = string(r.body[:min(len(r.body), 300)])
			}
			failures[msg] = append(failures[msg], p.String())
		}
		if !p.refuse && r.status < 400 {
			accepted[p.why]++
		}
		if p.refuse && r.ignored {
			ignored = append(ignored, p.String())
		}
	}
	over500 := 0
	var codes []int
	for c, n := range statuses {
		codes = append(codes, c)
		if c >= 500 {
			over500 += n
		}
	}
	sort.Ints(codes)
	var line []string
	for _, c := range codes {
		line = append(line, fmt.Sprintf("%d: %d", c, statuses[c]))
	}
	t.Logf("bad input: %d requests (%d API, %d forms) in %v; per status {%s}; %d answers ≥ 500",
		len(probes), nAPI, len(probes)-nAPI, time.Since(start).Round(time.Millisecond), strings.Join(line, ", "), over500)
	for why, n := range accepted {
		t.Logf("accepted by design (%d): %s", n, why)
	}
	for why, n := range w.leftOut {
		t.Logf("left out of the corpus (%d): %s", n, why)
	}
	if dump := os.Getenv("ACADEMY_BADINPUT_DUMP"); dump != "" {
		var b strings.Builder
		for i, p := range probes {
			fmt.Fprintf(&b, "%d\t%s\t%s %s\t%.200q\n", results[i].status, p, p.method, p.path[:min(len(p.path), 200)], results[i].body)
		}
		if err := os.WriteFile(dump, []byte(b.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
	if len(ignored) > 0 {
		sort.Strings(ignored)
		t.Errorf("%d bad form values were ignored rather than refused (the page answered 303 to a view saying nothing was recorded), e.g. %s",
			len(ignored), strings.Join(ignored[:min(5, len(ignored))], "; "))
	}
	var msgs []string
	for m := range failures {
		msgs = append(msgs, m)
	}
	sort.Strings(msgs)
	for _, m := range msgs {
		cases := failures[m]
		t.Errorf("%s — %d request(s):\n\t%s\n\tfirst answer: %q%s", m, len(cases), strings.Join(cases[:min(12, len(cases))], "\n\t"),
			firstBody[m], hintsFor(cases))
	}
	// The store.
	for _, d := range diffStores(before, after) {
		t.Errorf("the corpus changed the store: %s", d)
	}
	for name := range writtenByRefusals {
		if before[name].sum == after[name].sum {
			t.Errorf("%s is left out of the store check, but the corpus did not change it", name)
		}
	}

	// The controls: each route's base request, which every mutation
	// departs from in one thing, is accepted; so a refused mutation was
	// refused for what the mutation changed.
	// Staff changing the CTV's record may end the CTV's sessions, and
	// changing a password may end the account's: the CTV's go first, and
	// each role's password change last.
	rank := func(p probe) int {
		r := 0
		if p.role != authz.RoleCTV {
			r += 4
		}
		if p.last {
			r++
		}
		if strings.Contains(p.route, "/password") {
			r += 2
		}
		return r
	}
	sort.SliceStable(w.bases, func(i, j int) bool { return rank(w.bases[i]) < rank(w.bases[j]) })
	var refusedBases []string
	for _, p := range w.bases {
		r := w.send(p)
		if os.Getenv("ACADEMY_BADINPUT_DUMP") != "" {
			t.Logf("control %s: %d", p, r.status)
		}
		switch {
		case r.err != nil || r.status >= 500:
			t.Errorf("control %s: %d %v %s", p, r.status, r.err, r.body)
		case r.status >= 400:
			refusedBases = append(refusedBases, fmt.Sprintf("%s: %d %.200s", p, r.status, r.body))
		}
	}
	t.Logf("controls: %d of %d base requests accepted", len(w.bases)-len(refusedBases), len(w.bases))
	for _, b := range refusedBases {
		if why, ok := refusedControl(b); ok {
			t.Logf("control refused by design (%s): %s", why, b)
			continue
		}
		t.Errorf("control refused: %s — the mutations of this route may be refused for another reason than theirs; fix its base values", b)
	}
}

// refusedControls are base requests a route refuses by design, and why.
var refusedControls = []struct{ route, why string }{
	{"POST /api/v1/sessions/{id}/checkin", "the check-in code rotates: the base sends a code that is never current"},
	{"POST /api/v1/collaborators/{id}/courses/{code}/cycles", "a new cycle goes only to someone who used up a cycle without passing, and the corpus's people have not; the reason is checked before that"},
	{"POST /api/v1/auth/login", "the corpus's refused sign-ins locked the account and the client, as they should"},
	{"POST /api/v1/contracts/review/{quarter}/decisions", "the corpus's world holds no contract ending in the quarter; each item's decision and reason are checked before its collaborator is looked up"},
	{"POST /api/v1/certifications/{id}/revoke", "a revocation is final and the corpus's world holds no certificate to revoke; the reason is checked before the certificate is looked up"},
}

func refusedControl(line string) (string, bool) {
	for _, c := range refusedControls {
		if strings.HasPrefix(line, c.route+" ") {
			return c.why, true
		}
	}
	return "", false
}

// hints explain failures this suite found that no fix has reached yet:
// where the cause is and what would fix it.
var hints = []struct{ route, mut, text string }{
	{"", `Content-Type "multipart/form-data`, "fasthttp parses a multipart body before routing (Fiber's DisablePreParseMultipartForm " +
		"is false), so a JSON route sent a body that is not multipart is refused by Fiber's server error handler, which has lost the " +
		"request's path. Fix: DisablePreParseMultipartForm: true in web/app.go's fiber.Config (c.FormFile still parses an upload " +
		"when a handler asks for it), or answer problem+json there."},
}

func hintsFor(cases []string) string {
	var out []string
	for _, h := range hints {
		for _, c := range cases {
			if strings.HasPrefix(c, h.route) && strings.Contains(c, h.mut) {
				out = append(out, "\n\tcause: "+h.text)
				break
			}
		}
	}
	return strings.Join(out, "")
}

// world is the service and what the corpus needs of it: sign-ins, ids of
// records to aim at, and base values every generated request starts from.
type world struct {
	t   *testing.T
	s   *apptest.Server
	clk *clock.Manual
	enf *authz.Enforcer

	tokens map[string]string // role → bearer token
	cookie string            // a coordinator's session used as a cookie

	area, otherArea string
	course          string
	courses         []string // every course of the catalog
	ctvID, ctvEmail string
	ctvUserID       string
	attemptID       string
	questions       []question
	future, started string // session ids
	rsvpToken       string
	outboxID        string

	leftOut map[string]int // mutations not sent because the route takes them by design: why → how many
	bases   []probe        // each route's base request, unmutated: sent after the corpus
	ops     []apiOp        // the operations of the OpenAPI document

	mu       sync.Mutex
	browsers map[string]*http.Client // role → its form-posting browser
}

type question struct {
	ID      string
	Options []string
}

func newWorld(t *testing.T, s *apptest.Server, clk *clock.Manual) *world {
	t.Helper()
	enf, err := authz.New(policies.Model, s.App.Policy)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, s: s, clk: clk, enf: enf, tokens: map[string]string{}, leftOut: map[string]int{},
		browsers: map[string]*http.Client{}}
	// Before the server stops (cleanups run last first): an idle
	// keep-alive connection would hold its graceful shutdown.
	t.Cleanup(func() {
		httpClient.CloseIdleConnections()
		w.mu.Lock()
		defer w.mu.Unlock()
		for _, c := range w.browsers {
			c.CloseIdleConnections()
		}
	})
	w.tokens[authz.RoleCoordinator] = s.LoginDemo(t, apptest.Coordinator)
	w.tokens[authz.RoleAdmin] = s.LoginDemo(t, apptest.Admin)
	w.cookie = s.LoginDemo(t, apptest.Coordinator)
	coord := w.tokens[authz.RoleCoordinator]

	var areas struct {
		Items []struct{ Code string } `json:"items"`
	}
	w.must("GET", "/api/v1/areas", coord, nil, 200).JSON(t, &areas)
	var ctv struct{ ID, Email, AreaCode string }
	for _, c := range s.Collaborators(t) {
		if c.Role == authz.RoleCTV && !c.Archived {
			ctv.ID, ctv.Email, ctv.AreaCode = c.ID, c.Email, c.AreaCode
			break
		}
	}
	if ctv.ID == "" || len(areas.Items) < 2 {
		t.Fatal("the demo network has no CTV or fewer than two units")
	}
	w.ctvID, w.ctvEmail, w.area = ctv.ID, ctv.Email, ctv.AreaCode
	for _, a := range areas.Items {
		if a.Code != w.area {
			w.otherArea = a.Code
			break
		}
	}
	w.tokens[authz.RoleCTV] = s.LoginDemo(t, w.ctvEmail)

	var users struct {
		Items []struct{ ID, Email string } `json:"items"`
	}
	w.must("GET", "/api/v1/users?limit=1000", w.tokens[authz.RoleAdmin], nil, 200).JSON(t, &users)
	for _, u := range users.Items {
		if u.Email == w.ctvEmail {
			w.ctvUserID = u.ID
		}
	}

	// A course whose quiz the CTV can start: the open attempt the answer
	// routes aim at.
	var courses struct {
		Items []struct{ Code string } `json:"items"`
	}
	w.must("GET", "/api/v1/courses", coord, nil, 200).JSON(t, &courses)
	for _, c := range courses.Items {
		r := s.Do(t, "POST", "/api/v1/courses/"+c.Code+"/attempts", w.tokens[authz.RoleCTV], nil)
		if r.Status != 201 && r.Status != 200 {
			continue
		}
		var a struct {
			ID        string `json:"id"`
			Questions []struct {
				ID      string `json:"id"`
				Options []struct {
					ID string `json:"id"`
				} `json:"options"`
			} `json:"questions"`
		}
		r.JSON(t, &a)
		w.course, w.attemptID = c.Code, a.ID
		for _, other := range courses.Items {
			w.courses = append(w.courses, other.Code)
		}
		for _, q := range a.Questions {
			qq := question{ID: q.ID}
			for _, o := range q.Options {
				qq.Options = append(qq.Options, o.ID)
			}
			w.questions = append(w.questions, qq)
		}
		break
	}
	if w.attemptID == "" || len(w.questions) == 0 {
		t.Fatal("the CTV could start no quiz")
	}

	// Two sessions of the CTV's district: one next month (changes, cancel,
	// invitations, RSVP), one under way (attendance, check-in).
	now := clk.Now()
	w.future = w.createSession("Lớp tập huấn sắp tới", now.AddDate(0, 0, 30), w.ctvID)
	w.started = w.createSession("Lớp tập huấn đang diễn ra", now.Add(-time.Hour), w.ctvID)
	w.waitQuiet()
	w.rsvpToken = w.findRSVPToken()

	var box struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	w.must("GET", "/api/v1/outbox?status=sent", coord, nil, 200).JSON(t, &box)
	if len(box.Items) == 0 {
		t.Fatal("no sent message in the outbox")
	}
	w.outboxID = box.Items[0].ID
	return w
}

// createSession schedules a three-hour session in the world's district at
// start and invites one collaborator.
func (w *world) createSession(title string, start time.Time, invitee string) string {
	w.t.Helper()
	coord := w.tokens[authz.RoleCoordinator]
	body := map[string]any{"course_code": w.course, "title": title, "starts_at": start.Format(time.RFC3339),
		"ends_at": start.Add(3 * time.Hour).Format(time.RFC3339), "location": "Hội trường Trung tâm", "area_code": w.area, "capacity": 40}
	var out struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	w.must("POST", "/api/v1/sessions", coord, body, 201).JSON(w.t, &out)
	if len(out.Items) != 1 {
		w.t.Fatalf("created %d sessions", len(out.Items))
	}
	id := out.Items[0].ID
	w.must("POST", "/api/v1/sessions/"+id+"/invitations", coord, map[string]any{"collaborator_ids": []string{invitee}}, 200)
	return id
}

func (w *world) must(method, path, token string, body any, want int) apptest.Response {
	w.t.Helper()
	r := w.s.Do(w.t, method, path, token, body)
	if r.Status != want {
		w.t.Fatalf("%s %s: %d %s, want %d", method, path, r.Status, r.Body, want)
	}
	return r
}

var rsvpLink = regexp.MustCompile(`/rsvp/([A-Za-z0-9_-]{16,})`)

// findRSVPToken reads an invitation's RSVP link from the mail drop.
func (w *world) findRSVPToken() string {
	w.t.Helper()
	files, _ := filepath.Glob(filepath.Join(w.s.App.Config.DataDir, "mail", "*.eml"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		b = bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("=\r\n"), nil), []byte("=\n"), nil)
		if m := rsvpLink.FindSubmatch(b); m != nil {
			return string(m[1])
		}
	}
	w.t.Fatalf("no RSVP link in the %d mails of the drop", len(files))
	return ""
}

// waitQuiet waits until the outbox has sent everything and the store stops
// changing. The worker records a drain's deliveries (on the invitations, the
// dropped bodies) after the outbox is empty: stopping it waits for that.
func (w *world) waitQuiet() {
	w.t.Helper()
	ctx := context.Background()
	w.stopJobs()
	deadline := time.Now().Add(20 * time.Second)
	prev, drained := "", false
	for time.Now().Before(deadline) {
		n, err := w.s.App.DB.Collection(mail.OutboxCollection).CountDocuments(ctx, bson.D{})
		if err != nil {
			w.t.Fatal(err)
		}
		if n == 0 && !drained {
			w.s.App.MailWorker.Stop()
			w.s.App.MailWorker.Start(ctx)
			drained = true
		}
		if n == 0 {
			h := fmt.Sprint(hashStore(w.t, w.s.App.DB))
			if h == prev {
				return
			}
			prev = h
		}
		time.Sleep(150 * time.Millisecond)
	}
	w.t.Fatal("the outbox did not empty, or the store kept changing, for 20 s")
}

// stopJobs waits until every module's job (the books' backfills among
// them) has run to its end once at the corpus's clock, which does not
// move, and stops the job runner, so that no job writes while the store
// is compared. The runner signals nothing: a short poll, with a deadline.
func (w *world) stopJobs() {
	w.t.Helper()
	var names []string
	for _, m := range w.s.App.Modules {
		for _, j := range m.Jobs() {
			names = append(names, j.Name)
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		states, err := w.s.App.Jobs.States(context.Background())
		if err != nil {
			w.t.Fatal(err)
		}
		ran := map[string]bool{}
		for _, st := range states {
			if !st.LastRun.IsZero() && !st.LeaseUntil.After(time.Unix(0, 0)) {
				ran[st.Name] = true
			}
		}
		waiting := slices.DeleteFunc(slices.Clone(names), func(n string) bool { return ran[n] })
		if len(waiting) == 0 {
			w.s.App.Jobs.Stop()
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("jobs %v did not finish their first run in 60 s", waiting)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// warmUp reads every page and GET route once with valid values, so that
// what reads build on first use (caches, rosters) exists before the store
// is hashed; each must answer 200.
func (w *world) warmUp() {
	w.t.Helper()
	for _, rt := range w.s.Routes() {
		if rt.Method != "GET" || strings.Contains(rt.Path, "metrics") || strings.HasPrefix(rt.Path, "/static") {
			continue
		}
		for _, role := range []string{authz.RoleCoordinator, authz.RoleCTV} {
			if ok, _ := w.enf.Decide(role, rt.Path, "GET"); !ok {
				continue
			}
			path := w.fill(rt.Path, "GET")
			var r apptest.Response
			if strings.HasPrefix(rt.Path, "/api/") {
				r = w.s.Do(w.t, "GET", path, w.tokens[role], nil)
			} else {
				r = w.s.Page(w.t, path, w.tokens[role])
			}
			if r.Status >= 500 {
				w.t.Errorf("warm-up GET %s as %s: %d", path, role, r.Status)
			}
		}
	}
}

// fill puts the world's record ids into a route pattern.
func (w *world) fill(route, method string) string {
	session := w.started
	if method != "GET" && !strings.HasSuffix(route, "/attendance") && !strings.HasSuffix(route, "/checkin") && !strings.HasSuffix(route, "/roster") {
		session = w.future
	}
	var out []string
	parts := strings.Split(route, "/")
	for i, p := range parts {
		if !strings.HasPrefix(p, ":") && !(strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}")) {
			out = append(out, p)
			continue
		}
		prev := ""
		if i > 0 {
			prev = parts[i-1]
		}
		v := "unknown"
		switch {
		case p == ":quarter" || p == "{quarter}":
			prev = "quarter"
		case prev == "performance":
			prev = "collaborators"
		}
		switch prev {
		case "quarter":
			v = "2026-Q3"
		case "sessions", "checkin":
			v = session
		case "collaborators":
			v = w.ctvID
		case "users":
			v = w.ctvUserID
		case "attempts":
			v = w.attemptID
		case "courses":
			v = w.course
		case "outbox":
			v = url.PathEscape(w.outboxID)
		case "rsvp":
			v = w.rsvpToken
		}
		out = append(out, v)
	}
	return strings.Join(out, "/")
}

// probe is one generated request and what it must get.
type probe struct {
	form   bool   // an HTML form (or a page's query), not an API call
	route  string // "POST /api/v1/sessions"
	mut    string // what is wrong with it
	role   string // who sends it; "" signed out
	cookie bool   // the session travels in a cookie, not a bearer header
	method string
	path   string // with the query
	ctype  string
	body   []byte
	refuse bool   // must be refused with a 4xx
	field  string // the field a 400 must name ("" when not one field)
	why    string // when it may be accepted: why
	last   bool   // may end a session of the corpus: runs after the others
}

func (p probe) String() string {
	who := p.role
	if who == "" {
		who = "anonymous"
	}
	mut := p.mut
	if len(mut) > 80 {
		mut = mut[:60] + "…"
	}
	return fmt.Sprintf("%s [%s] as %s", p.route, mut, who)
}

type result struct {
	status   int
	ctype    string
	location string
	body     []byte
	ignored  bool
	err      error
}

var httpClient = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{ExpectContinueTimeout: 5 * time.Second},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// send makes the probe's request.
func (w *world) send(p probe) result {
	var rd io.Reader
	if p.body != nil {
		rd = bytes.NewReader(p.body)
	}
	req, err := http.NewRequest(p.method, w.s.URL+p.path, rd)
	if err != nil {
		// A path the client cannot even send is no request to the service.
		return result{status: -1, err: err}
	}
	if p.ctype != "" {
		req.Header.Set("Content-Type", p.ctype)
	}
	client := httpClient
	if p.form {
		req.Header.Set("Accept", "text/html")
		client = w.browser(p.role)
	} else {
		req.Header.Set("Accept", "application/json")
		tok := w.tokens[p.role]
		switch {
		case p.cookie:
			req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: w.cookie})
		case tok != "":
			req.Header.Set("Authorization", "Bearer "+tok)
		}
	}
	var resp *http.Response
	if len(p.body) > web.UploadLimit {
		resp, err = sendHeadFirst(client, req, len(p.body))
	} else {
		resp, err = client.Do(req)
	}
	if err != nil {
		return result{status: -1, err: err}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := result{status: resp.StatusCode, ctype: resp.Header.Get("Content-Type"), location: resp.Header.Get("Location"), body: b}
	r.ignored = p.form && r.status == http.StatusSeeOther && strings.Contains(r.location, "saved=0")
	return r
}

// sendHeadFirst sends req's head announcing a body of n bytes, over the
// upload limit, and reads the answer before sending any of it: the service
// refuses such a body from its Content-Length (413) and closes the
// connection. A client that streamed the body meanwhile (net/http does,
// also after "Expect: 100-continue", which the service grants before it
// looks at the length) could be reset in mid-write before it read the 413:
// no answer, though the service gave one.
func sendHeadFirst(client *http.Client, req *http.Request, n int) (*http.Response, error) {
	if client.Jar != nil {
		for _, c := range client.Jar.Cookies(req.URL) {
			req.AddCookie(c)
		}
	}
	conn, err := net.DialTimeout("tcp", req.URL.Host, 5*time.Second)
	if err != nil {
		return nil, err
	}
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	var head bytes.Buffer
	fmt.Fprintf(&head, "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\nConnection: close\r\n", req.Method, req.URL.RequestURI(), req.URL.Host, n)
	if err := req.Header.Write(&head); err != nil {
		conn.Close()
		return nil, err
	}
	head.WriteString("\r\n")
	if _, err := conn.Write(head.Bytes()); err != nil {
		conn.Close()
		return nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		conn.Close()
		return nil, err
	}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{resp.Body, conn}
	return resp, nil
}

// browser is the cookie-keeping client of a role for the forms: its session
// cookie and the CSRF cookie the form tokens belong to.
func (w *world) browser(role string) *http.Client {
	w.mu.Lock()
	defer w.mu.Unlock()
	if c, ok := w.browsers[role]; ok {
		return c
	}
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(w.s.URL)
	if tok := w.tokens[role]; tok != "" {
		jar.SetCookies(u, []*http.Cookie{{Name: web.SessionCookie, Value: tok, Path: "/"}})
	}
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second, Transport: &http.Transport{ExpectContinueTimeout: 5 * time.Second}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	w.browsers[role] = c
	return c
}

// check returns what is wrong with the answer to p.
func (w *world) check(p probe, r result) []string {
	var out []string
	if r.err != nil {
		return []string{"no answer: " + r.err.Error()}
	}
	if r.status >= 500 {
		return []string{fmt.Sprintf("answered %d", r.status)}
	}
	refused := r.status >= 400 && r.status < 500
	if p.refuse && !refused && !r.ignored {
		out = append(out, fmt.Sprintf("bad input accepted (%d)", r.status))
	}
	if !refused {
		return out
	}
	if p.form || !strings.HasPrefix(p.path, "/api/v1/") {
		// A body over the upload limit is refused before the route is known:
		// its answer cannot tell a form from an API call.
		if p.form && !strings.HasPrefix(r.ctype, "text/html") && r.status != http.StatusRequestEntityTooLarge {
			out = append(out, fmt.Sprintf("a refused form answers %q, not an HTML page", r.ctype))
		}
		return out
	}
	if !strings.HasPrefix(r.ctype, "application/problem+json") {
		return append(out, fmt.Sprintf("a %d answers %q, not application/problem+json", r.status, r.ctype))
	}
	var prob apptest.Problem
	if err := json.Unmarshal(r.body, &prob); err != nil {
		return append(out, "the problem is not JSON")
	}
	if prob.Type == "" || prob.Title == "" || prob.Status != r.status {
		out = append(out, fmt.Sprintf("the problem lacks type, title or status %d", r.status))
	}
	for _, internal := range []string{"fasthttp", "NextPart", "runtime error", "goroutine", "mongo", "bson"} {
		if strings.Contains(strings.ToLower(prob.Detail), strings.ToLower(internal)) {
			out = append(out, fmt.Sprintf("the problem's detail shows the service's internals (%q)", internal))
		}
	}
	if r.status == http.StatusBadRequest && p.field != "" {
		named := false
		var got []string
		for _, e := range prob.Errors {
			got = append(got, e.Field)
			named = named || relatedField(p.field, e.Field)
		}
		if !named {
			out = append(out, fmt.Sprintf("the 400 names %v, not the field at fault", got))
		}
	}
	return out
}

// relatedField reports whether a problem's field names the mutated one:
// the same path, a path inside it, or the same last name (a service names
// fields without the body's array index).
func relatedField(want, got string) bool {
	// A body that is an array is at fault at its elements' paths ([0]).
	if want == got || (want == "body" && strings.HasPrefix(got, "[")) || strings.HasPrefix(got, want+".") || strings.HasPrefix(got, want+"[") || strings.HasPrefix(want, got+".") ||
		strings.HasPrefix(want, got+"[") {
		return true
	}
	last := func(s string) string {
		s = strings.TrimSuffix(s, "]")
		if i := strings.LastIndexAny(s, ".["); i >= 0 {
			return s[i+1:]
		}
		return s
	}
	if partner[last(want)] == last(got) {
		return true
	}
	return last(want) == last(got) || strings.TrimPrefix(want, "body.") == got
}

// partner are fields checked as a pair: a bad start may be named as an end
// that is no longer after it.
var partner = map[string]string{"starts_on": "ends_on", "ends_on": "starts_on", "starts_at": "ends_at", "ends_at": "starts_at"}

// hashStore returns, per collection, a hash of its documents in canonical
// extended JSON, sorted.
func hashStore(t *testing.T, db *mongo.Database) map[string]storeHash {
	t.Helper()
	ctx := context.Background()
	names, err := db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]storeHash{}
	for _, name := range names {
		cur, err := db.Collection(name).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		var docs []string
		ids := map[string]string{}
		for cur.Next(ctx) {
			j, err := bson.MarshalExtJSON(cur.Current, true, false)
			if err != nil {
				t.Fatal(err)
			}
			docs = append(docs, string(j))
			id, _ := bson.MarshalExtJSON(bson.D{{Key: "_id", Value: cur.Current.Lookup("_id")}}, true, false)
			sum := sha256.Sum256(j)
			ids[string(id)] = hex.EncodeToString(sum[:8])
		}
		if err := cur.Err(); err != nil {
			t.Fatal(err)
		}
		_ = cur.Close(ctx)
		sort.Strings(docs)
		h := sha256.New()
		for _, d := range docs {
			h.Write([]byte(d))
			h.Write([]byte{0})
		}
		out[name] = storeHash{sum: hex.EncodeToString(h.Sum(nil)), count: len(docs), docs: ids}
	}
	return out
}

type storeHash struct {
	sum   string
	count int
	docs  map[string]string // _id → hash of the document
}

// diffStores says which collections differ, leaving out writtenByRefusals.
func diffStores(before, after map[string]storeHash) []string {
	var out []string
	names := map[string]bool{}
	for n := range before {
		names[n] = true
	}
	for n := range after {
		names[n] = true
	}
	var sorted []string
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, n := range sorted {
		if _, skip := writtenByRefusals[n]; skip {
			continue
		}
		b, a := before[n], after[n]
		if b.sum == a.sum {
			continue
		}
		var changed []string
		for id, h := range a.docs {
			if bh, ok := b.docs[id]; !ok {
				changed = append(changed, "new "+id)
			} else if bh != h {
				changed = append(changed, "changed "+id)
			}
		}
		for id := range b.docs {
			if _, ok := a.docs[id]; !ok {
				changed = append(changed, "gone "+id)
			}
		}
		sort.Strings(changed)
		out = append(out, fmt.Sprintf("%s: %d → %d documents; %s", n, b.count, a.count, strings.Join(changed[:min(6, len(changed))], ", ")))
	}
	return out
}
