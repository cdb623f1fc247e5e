// Command routes measures every GET route of the service on a copy of the
// benchmark fixture, as each role sees it:
//
//	go run ./bench/cmd/routes -from /path/to/fixture-data   # made by bench/cmd/fixture
//	go run ./bench/cmd/routes -data /path/to/a-copy          # in place: its books stay complete for the next run
//
// It starts the whole service in-process on a copy of the store (the
// fixture's own files are not touched), waits until the per-person books'
// backfills have finished (-books=false measures before), signs in as the
// fixture's coordinator and leader, one team leader and one collaborator
// of that leader's district, and then, for each role:
//   - every GET route of /api/openapi.json, with its path parameters filled
//     from the fixture (a collaborator of the district, a session they were
//     invited to, one of their attempts, a course) and once more with each
//     filter it documents (a district, a course, the person, five years of
//     dates, a far offset);
//   - every page reachable from the home page in two clicks (at most
//     -per-shape pages of one shape, e.g. /sessions/{id}).
//   - the public verification page of the collaborator's certificate,
//     /verify/{code} as a page and as JSON (marked #json), each request
//     from another visitor's address (X-Forwarded-For through the
//     loopback, trusted as a proxy), as the QR codes bring them.
//
// Filters get the fixture's values; the contract review's quarter is
// -quarter (2028-Q1, where all 650 of the fixture's contracts end).
//
// Each URL is requested -warm times unmeasured, then -n times one after
// the other; it prints p50, p99 and the status, slowest first, and the
// goals of issue 10: every list ≤ 200 ms p99, a person's own reads
// (/me/…, a collaborator's attendance rate) ≤ 20 ms p99; and issue 11's:
// a person's standing (…/standing) ≤ 50 ms p99, not counted as an own read. A route the role
// may not use (403/404) is listed once as denied, not measured.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ctvacademy/academy/bench/burst"
	"github.com/ctvacademy/academy/bench/cli"
	"github.com/ctvacademy/academy/bench/fixture"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/authz"
)

type flags struct {
	cli.Flags
	only        string
	quarter     string
	n, warm     int
	perShape    int
	books       bool
	booksWithin time.Duration
	commands    bool
}

// Goals of issue 10 on the fixture.
const (
	goalList   = 200 * time.Millisecond
	goalPerson = 20 * time.Millisecond
	// A person's standing (issue 11): computed from their certificates,
	// records and contract on each read.
	goalStanding = 50 * time.Millisecond
)

func main() {
	var f flags
	f.Register("the measured requests (the service runs in-process)")
	flag.IntVar(&f.n, "n", 12, "measured requests per URL")
	flag.IntVar(&f.warm, "warm", 2, "unmeasured requests per URL first")
	flag.IntVar(&f.perShape, "per-shape", 2, "pages of one shape measured (e.g. two /sessions/{id})")
	flag.BoolVar(&f.books, "books", true, "wait until the per-person books' backfills have finished before measuring")
	flag.DurationVar(&f.booksWithin, "books-within", 15*time.Minute, "bound on that wait")
	flag.StringVar(&f.only, "only", "", "measure only URLs containing this text (or one of these, comma-separated)")
	flag.StringVar(&f.quarter, "quarter", "2028-Q1", "quarter of the contract review (every contract of the fixture ends in 2028-Q1)")
	flag.BoolVar(&f.commands, "commands", false, "print, per URL, the store commands sent while it was measured (by command and collection, per request; background jobs' commands included)")
	flag.Parse()
	if (f.From == "") == (f.Data == "") {
		cli.Usage("routes", "give -from (a data directory made by go run ./bench/cmd/fixture -data DIR, copied first) or -data (a copy, used in place)")
	}
	f.Main("routes", func(ctx context.Context, rn cli.Run) error { return run(ctx, rn, f) })
}

// user is a signed-in role: a bearer token for the API and a cookie jar
// for the pages.
type user struct {
	role   string
	token  string
	client *http.Client // with the session cookie, no redirects followed
	// values for path parameters and filters, as this user would use them
	vals map[string]string
}

type result struct {
	role, method, url string
	status            int
	bytes             int
	p50, p99          time.Duration
	list, person      bool
	standing          bool   // a person's standing: its own goal, not a person's own read's
	err               string // the request failed (no answer within the client's minute)
}

func run(ctx context.Context, rn cli.Run, f flags) error {
	mon := rn.Monitor
	// The verification page is public and limited per client: its
	// requests come from many visitors (X-Forwarded-For through the
	// loopback proxy, see get), as the QR codes bring them.
	s, err := burst.StartStack(ctx, burst.StackConfig{Dir: rn.Dir, Monitor: mon, Log: rn.Log, IDIndex: true,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	if err != nil {
		return err
	}
	defer s.Close()
	if f.books {
		began := time.Now()
		if err := cli.WaitBooks(ctx, s, f.booksWithin); err != nil {
			return err
		}
		fmt.Printf("books complete after %s\n", time.Since(began).Round(100*time.Millisecond))
	}

	// The people: the fixture's staff, a team leader and a collaborator
	// of their district.
	all, err := s.App.Collaborators.List(ctx, authz.All, collaborators.Filter{})
	if err != nil {
		return err
	}
	var leader, ctv collaborators.Collaborator
	for _, c := range all {
		if c.Role == "team_leader" && c.Email != "" && leader.ID == "" {
			leader = c
		}
	}
	for _, c := range all {
		if c.Role == "ctv" && c.Email != "" && c.AreaCode == leader.AreaCode && ctv.ID == "" {
			ctv = c
		}
	}
	if leader.ID == "" || ctv.ID == "" {
		return fmt.Errorf("the registry has no team leader with a collaborator of their district who can sign in")
	}
	var users []*user
	for _, who := range []struct{ role, email string }{
		{"coordinator", fixture.CoordinatorEmail}, {"leadership", fixture.LeadershipEmail},
		{"team_leader", leader.Email}, {"ctv", ctv.Email},
	} {
		u, err := signIn(ctx, s.Base, who.role, who.email)
		if err != nil {
			return fmt.Errorf("%s sign-in: %w", who.role, err)
		}
		users = append(users, u)
	}
	coord := users[0]
	vals, err := values(ctx, s.Base, coord, ctv.ID, leader.AreaCode, f.quarter)
	if err != nil {
		return err
	}
	for _, u := range users {
		u.vals = vals
	}
	fmt.Printf("people: team leader %s (%s), collaborator %s; values %v\n", leader.ID, leader.AreaCode, ctv.ID, vals)

	routes, err := apiRoutes(ctx, s.Base, coord)
	if err != nil {
		return err
	}
	fmt.Printf("%d GET routes in the API document; load average %s\n\n", len(routes), burst.LoadAvg())

	// Every user's URLs first (the crawl requests pages), then the
	// measured requests alone (and the profile, if asked, of them only).
	var skipped []string
	urls := make([][]string, len(users))
	for i, u := range users {
		for _, r := range routes {
			us, why := variants(r, u.vals)
			if why != "" {
				skipped = append(skipped, r.path+": "+why)
				continue
			}
			urls[i] = append(urls[i], us...)
		}
		pages, err := crawl(ctx, s.Base, u, f.perShape)
		if err != nil {
			return fmt.Errorf("%s pages: %w", u.role, err)
		}
		urls[i] = append(urls[i], pages...)
		if c := u.vals["code"]; c != "" {
			// The public verification page, as a page and as JSON.
			urls[i] = append(urls[i], "/verify/"+c, "/verify/"+c+jsonMark)
		}
	}
	// Requests are measured once the start-up work is done (a fresh
	// process warms its caches and sends what its jobs queued).
	waited, idle := mon.WaitIdle(500*time.Millisecond, 3*time.Minute)
	fmt.Printf("store idle: %v, after %s (load average %s)\n\n", idle, waited.Round(100*time.Millisecond), burst.LoadAvg())
	stop, err := cli.Profile(f.CPUProfile)
	if err != nil {
		return err
	}
	defer stop()
	var results, denied []result
	for i, u := range users {
		for _, p := range urls[i] {
			if f.only != "" && !slices.ContainsFunc(strings.Split(f.only, ","), func(o string) bool { return strings.Contains(p, o) }) {
				continue
			}
			mon.Take()
			r, err := measure(ctx, s.Base, u, p, f)
			if err != nil {
				return err
			}
			if f.commands {
				printCommands(u.role, p, f.warm+f.n, mon.Take())
			}
			if r.status == http.StatusForbidden || r.status == http.StatusNotFound {
				denied = append(denied, r)
				continue
			}
			results = append(results, r)
		}
	}
	report(results, denied, skipped)
	return nil
}

func signIn(ctx context.Context, base, role, email string) (*user, error) {
	jar, _ := cookiejar.New(nil)
	c := burst.NewClient(2, time.Minute)
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	token, err := burst.Login(ctx, c, base, email, fixture.Password)
	if err != nil {
		return nil, err
	}
	return &user{role: role, token: token, client: c}, nil
}

// values finds the fixture's values for path parameters and filters: the
// collaborator's own records, so that every role's read reaches data.
func values(ctx context.Context, base string, u *user, ctv, area, quarter string) (map[string]string, error) {
	v := map[string]string{"collaborator": ctv, "area_code": area, "from": "2021-01-01", "to": "2027-12-31", "quarter": quarter}
	for _, q := range []struct{ key, path, field string }{
		{"course", "/api/v1/courses", "code"},
		{"session", "/api/v1/sessions?area_code=" + area + "&from=2021-01-01&limit=1", "id"},
		{"attempt", "/api/v1/attempts?collaborator_id=" + ctv + "&limit=1", "id"},
		{"code", "/api/v1/certifications?collaborator_id=" + ctv + "&limit=1", "verification_code"},
	} {
		var body any
		if err := burst.Call(ctx, u.client, "GET", base+q.path, u.token, nil, http.StatusOK, &body); err != nil {
			return nil, fmt.Errorf("%s: %w", q.path, err)
		}
		if s, ok := first(body, q.field); ok {
			v[q.key] = s
		}
	}
	return v, nil
}

// first finds the first string value of key in a JSON value, depth first.
func first(x any, key string) (string, bool) {
	switch t := x.(type) {
	case map[string]any:
		if s, ok := t[key].(string); ok && s != "" {
			return s, true
		}
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if s, ok := first(t[k], key); ok {
				return s, true
			}
		}
	case []any:
		for _, e := range t {
			if s, ok := first(e, key); ok {
				return s, true
			}
		}
	}
	return "", false
}

type route struct {
	path  string   // /api/v1/sessions/{id}
	query []string // documented query parameters
}

func apiRoutes(ctx context.Context, base string, u *user) ([]route, error) {
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	if err := burst.Call(ctx, u.client, "GET", base+"/api/openapi.json", "", nil, http.StatusOK, &doc); err != nil {
		return nil, err
	}
	var out []route
	for p, ops := range doc.Paths {
		op, ok := ops["get"]
		if !ok {
			continue
		}
		r := route{path: p}
		for _, q := range op.Parameters {
			if q.In == "query" {
				r.query = append(r.query, q.Name)
			}
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out, nil
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// variants fills a route's path parameters and returns its URL without a
// filter and with each documented filter, or why it cannot be filled.
func variants(r route, v map[string]string) ([]string, string) {
	var why string
	p := pathParam.ReplaceAllStringFunc(r.path, func(m string) string {
		name := m[1 : len(m)-1]
		before := r.path[:strings.Index(r.path, m)]
		var key string
		switch {
		case name == "code" && strings.HasSuffix(before, "/courses/"):
			key = "course"
		case strings.HasSuffix(before, "/collaborators/"):
			key = "collaborator"
		case strings.HasSuffix(before, "/sessions/"):
			key = "session"
		case strings.HasSuffix(before, "/attempts/"):
			key = "attempt"
		}
		if v[key] == "" {
			why = "no value for " + m
			return m
		}
		return url.PathEscape(v[key])
	})
	if why != "" {
		return nil, why
	}
	out := []string{p}
	filter := map[string]string{"area_code": v["area_code"], "course_code": v["course"], "collaborator_id": v["collaborator"],
		"session_id": v["session"], "from": v["from"], "to": v["to"], "offset": "400", "quarter": v["quarter"]}
	for _, q := range r.query {
		if x := filter[q]; x != "" {
			out = append(out, p+"?"+q+"="+url.QueryEscape(x))
		}
	}
	if slices.Contains(r.query, "from") && slices.Contains(r.query, "to") {
		if strings.Contains(p, "/export.") {
			// An export covers at most 366 days: the longest it takes.
			out = append(out, p+"?from=2026-01-01&to=2027-01-01")
		} else {
			out = append(out, p+"?from="+v["from"]+"&to="+v["to"])
		}
	}
	return out, ""
}

var hrefRe = regexp.MustCompile(`href="(/[^"#?]*)(\?[^"#]*)?"`)

// idSeg is a path segment that names a record (a number, an id with a
// dash or a colon, a long token).
var idSeg = regexp.MustCompile(`^([0-9]+|.*[:\-_].*[0-9].*|[A-Za-z0-9]{20,})$`)

// crawl lists the pages reachable from "/" in two clicks, at most perShape
// of one shape.
func crawl(ctx context.Context, base string, u *user, perShape int) ([]string, error) {
	seen := map[string]bool{}
	shapes := map[string]int{}
	var out []string
	level := []string{"/"}
	for depth := 0; depth < 3 && len(level) > 0; depth++ {
		var next []string
		for _, p := range level {
			body, status, err := get(ctx, base+p, u, "text/html")
			if err != nil {
				return nil, err
			}
			if status != http.StatusOK {
				continue
			}
			out = append(out, p)
			for _, m := range hrefRe.FindAllStringSubmatch(body, -1) {
				q := m[1]
				if seen[q] || skipPage(q) {
					continue
				}
				seen[q] = true
				shape := shapeOf(q)
				if shapes[shape] >= perShape {
					continue
				}
				shapes[shape]++
				next = append(next, q)
			}
		}
		level = next
	}
	return out, nil
}

func skipPage(p string) bool {
	for _, pre := range []string{"/api/", "/static/", "/assets/", "/logout", "/healthz", "/metrics", "/rsvp/"} {
		if strings.HasPrefix(p, pre) {
			return true
		}
	}
	for _, suf := range []string{".css", ".js", ".png", ".svg", ".ico", ".csv", ".xlsx", ".ics", ".pdf", ".json"} {
		if strings.HasSuffix(p, suf) {
			return true
		}
	}
	return false
}

func shapeOf(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if idSeg.MatchString(s) {
			segs[i] = "{}"
		}
	}
	return strings.Join(segs, "/")
}

// jsonMark ends a measured URL that is requested with Accept:
// application/json outside /api/ (a fragment: never sent).
const jsonMark = "#json"

var visitors atomic.Uint32

// visitor is the address of the next visitor of a public page, each
// another (198.18.0.0/15, the benchmarking range).
func visitor() string {
	n := visitors.Add(1)
	return fmt.Sprintf("198.%d.%d.%d", 18+n>>16&1, n>>8&255, n&255)
}

func get(ctx context.Context, u string, who *user, accept string) (string, int, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return "", 0, err
	}
	req.Header.Set("Accept", accept)
	if strings.Contains(u, "/verify/") {
		req.Header.Set("X-Forwarded-For", visitor())
	}
	if strings.Contains(u, "/api/") {
		req.Header.Set("Authorization", "Bearer "+who.token)
	}
	resp, err := who.client.Do(req)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), resp.StatusCode, err
}

func measure(ctx context.Context, base string, u *user, p string, f flags) (result, error) {
	accept := "text/html"
	if strings.HasPrefix(p, "/api/") || strings.HasSuffix(p, jsonMark) {
		accept = "application/json"
	}
	r := result{role: u.role, method: "GET", url: p}
	var ds []time.Duration
	for i := range f.warm + f.n {
		t0 := time.Now()
		body, status, err := get(ctx, base+p, u, accept)
		d := time.Since(t0)
		if err != nil {
			r.err = err.Error()
			r.p50, r.p99 = d, d
			return r, nil
		}
		r.status, r.bytes = status, len(body)
		if status == http.StatusForbidden || status == http.StatusNotFound {
			return r, nil
		}
		if i >= f.warm {
			ds = append(ds, d)
		}
		// A request over 5 s is far past every goal: one measured is enough.
		if d > 5*time.Second && len(ds) > 0 {
			break
		}
	}
	slices.Sort(ds)
	r.p50, r.p99 = burst.Percentile(ds, 0.5), burst.Percentile(ds, 0.99)
	r.standing = strings.Contains(p, "/standing")
	r.person = !r.standing && (strings.Contains(p, "/me/") || strings.Contains(p, "/me?") ||
		(strings.Contains(p, "/collaborators/") && strings.Count(p, "/") >= 5 && !strings.HasSuffix(p, ".pdf")))
	r.list = true // every GET answers one page of a bounded read, or one record
	return r, nil
}

// printCommands prints the store commands sent while a URL was requested
// n times: how many per request and their mean duration.
func printCommands(role, url string, n int, stats []burst.CommandStats) {
	fmt.Printf("%s %s:\n", role, url)
	for _, c := range stats {
		fmt.Printf("  %-10s %-28s %6.1f/req  mean %8s  max %8s\n", c.Command, c.Collection, float64(c.N)/float64(n),
			(c.Total / time.Duration(max(c.N, 1))).Round(10*time.Microsecond), c.Max.Round(10*time.Microsecond))
	}
}

func report(results, denied []result, skipped []string) {
	sort.Slice(results, func(i, j int) bool { return results[i].p99 > results[j].p99 })
	fmt.Printf("%-12s %-7s %9s %9s %8s  %s\n", "role", "status", "p50", "p99", "bytes", "GET")
	var overList, overPerson, overStanding []string
	var worst, worstPerson, worstStanding time.Duration
	for _, r := range results {
		mark := ""
		if r.p99 > goalList {
			mark = "  > 200 ms"
			overList = append(overList, r.role+" "+r.url)
		}
		if r.person {
			worstPerson = max(worstPerson, r.p99)
			if r.p99 > goalPerson {
				mark += "  > 20 ms (a person's own read)"
				overPerson = append(overPerson, r.role+" "+r.url)
			}
		}
		if r.standing {
			worstStanding = max(worstStanding, r.p99)
			if r.p99 > goalStanding {
				mark += "  > 50 ms (standing)"
				overStanding = append(overStanding, r.role+" "+r.url)
			}
		}
		worst = max(worst, r.p99)
		if r.err != "" {
			mark += "  failed: " + r.err
		}
		fmt.Printf("%-12s %-7d %9s %9s %8d  %s%s\n", r.role, r.status, burst.Ms(r.p50), burst.Ms(r.p99), r.bytes, r.url, mark)
	}
	fmt.Printf("\n%d URLs measured; %d answered 403/404 to the role (not measured)\n", len(results), len(denied))
	slices.Sort(skipped)
	for _, s := range slices.Compact(skipped) {
		fmt.Println("not measured:", s)
	}
	fmt.Println()
	burst.Goal("every GET p99 ≤ 200 ms", len(overList) == 0, fmt.Sprintf("worst %s; over: %v", burst.Ms(worst), overList))
	burst.Goal("a person's own reads p99 ≤ 20 ms", len(overPerson) == 0, fmt.Sprintf("worst %s; over: %v", burst.Ms(worstPerson), overPerson))
	burst.Goal("a person's standing p99 ≤ 50 ms", len(overStanding) == 0, fmt.Sprintf("worst %s; over: %v", burst.Ms(worstStanding), overStanding))
}
