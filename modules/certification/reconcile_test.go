package certification

import (
	"cmp"
	"fmt"
	"strings"
	"testing"
)

// ids hands out id1, id2… and CODE1, CODE2… in order.
func ids() func() (string, Code) {
	n := 0
	return func() (string, Code) {
		n++
		return fmt.Sprintf("id%d", n), Code(fmt.Sprintf("CODE%d", n))
	}
}

func pass(id, when string) Pass { return Pass{Attempt: id, Cycle: 1, At: at(when)} }

func mark(session, when, status string) Attendance {
	return Attendance{Session: session, At: at(when), Status: status}
}

// describe writes a decision as the tables spell it: the action, the
// certificate, then each new cycle as "cN completed pass session→valid until".
func describe(d Decision) string {
	if d.Action == Nothing {
		return "nothing"
	}
	var w strings.Builder
	fmt.Fprintf(&w, "%s %s", d.Action, d.Cert.ID)
	for _, c := range d.New {
		fmt.Fprintf(&w, "; c%d %s %s %s→%s", c.N, c.CompletedAt.Format("2006-01-02 15:04"),
			c.Pass, cmp.Or(c.Attendance, "-"), c.ValidUntil().Format("2006-01-02"))
	}
	return w.String()
}

func TestReconcile(t *testing.T) {
	t.Parallel()
	now := at("2031-01-01 00:00")
	before := []Attendance{mark("s1", "2026-03-15 08:00", "present")} // the mark issued0315 used
	for _, tc := range []struct {
		name   string
		rule   Rule
		certs  []Certificate
		passes []Pass
		marks  []Attendance
		now    string // default: now
		want   string
	}{
		// A first certificate.
		{name: "no records", rule: withMarks, want: "nothing"},
		{name: "requires_attendance false: the pass is enough", rule: quizOnly,
			passes: []Pass{pass("a1", "2026-03-15 10:00")},
			want:   "issue id1; c1 2026-03-15 10:00 a1 -→2027-03-15"},
		{name: "a pass without a mark", rule: withMarks,
			passes: []Pass{pass("a1", "2026-03-15 10:00")}, want: "nothing"},
		{name: "a mark without a pass", rule: withMarks,
			marks: before, want: "nothing"},
		{name: "absent and excused marks do not count", rule: withMarks,
			passes: []Pass{pass("a1", "2026-03-15 10:00")},
			marks:  []Attendance{mark("s1", "2026-03-01 08:00", "absent"), mark("s2", "2026-03-08 08:00", "excused")},
			want:   "nothing"},
		{name: "attendance before the pass: completed at the pass", rule: withMarks,
			passes: []Pass{pass("a1", "2026-03-15 10:00")},
			marks:  []Attendance{mark("s1", "2026-03-01 08:00", "present")},
			want:   "issue id1; c1 2026-03-15 10:00 a1 s1→2027-03-15"},
		{name: "attendance after the pass: completed at the session", rule: withMarks,
			passes: []Pass{pass("a1", "2026-03-15 10:00")},
			marks:  []Attendance{mark("s2", "2026-04-02 08:00", "late"), mark("s3", "2026-05-02 08:00", "present")},
			want:   "issue id1; c1 2026-04-02 08:00 a1 s2→2027-04-02"},
		{name: "the earliest pass", rule: quizOnly,
			passes: []Pass{pass("a2", "2026-03-20 10:00"), pass("a1", "2026-03-15 10:00")},
			want:   "issue id1; c1 2026-03-15 10:00 a1 -→2027-03-15"},
		{name: "records after now wait", rule: quizOnly, now: "2026-03-15 09:59",
			passes: []Pass{pass("a1", "2026-03-15 10:00")}, want: "nothing"},
		{name: "a repair owes several cycles at once", rule: quizOnly,
			passes: []Pass{pass("a1", "2026-03-15 10:00"), pass("a2", "2027-03-01 10:00"), pass("a3", "2028-06-01 10:00")},
			want:   "issue id1; c1 2026-03-15 10:00 a1 -→2027-03-15; c2 2027-03-01 10:00 a2 -→2028-03-15; c3 2028-06-01 10:00 a3 -→2029-06-01"},

		// Renewals of id0 (valid until 2027-03-15, window from 2027-02-14).
		{name: "nothing new", rule: withMarks, certs: []Certificate{cert0()},
			passes: []Pass{pass("a1", "2026-03-15 10:00")}, marks: before, want: "nothing"},
		{name: "a pass before the window renews nothing", rule: quizOnly, certs: []Certificate{cert0()},
			passes: []Pass{pass("a1", "2026-03-15 10:00"), pass("a2", "2027-02-13 23:59")}, want: "nothing"},
		{name: "a pass the day the window opens extends from the expiry day", rule: quizOnly, certs: []Certificate{cert0()},
			passes: []Pass{pass("a2", "2027-02-14 00:00")},
			want:   "renew id0; c2 2027-02-14 00:00 a2 -→2028-03-15"},
		{name: "a pass on the expiry day extends from it", rule: quizOnly, certs: []Certificate{cert0()},
			passes: []Pass{pass("a2", "2027-03-15 23:59")},
			want:   "renew id0; c2 2027-03-15 23:59 a2 -→2028-03-15"},
		{name: "a pass the day after expiry runs from that day", rule: quizOnly, certs: []Certificate{cert0()},
			passes: []Pass{pass("a2", "2027-03-16 00:00")},
			want:   "renew id0; c2 2027-03-16 00:00 a2 -→2028-03-16"},
		{name: "long after expiry", rule: quizOnly, certs: []Certificate{cert0()},
			passes: []Pass{pass("a2", "2029-06-01 10:00")},
			want:   "renew id0; c2 2029-06-01 10:00 a2 -→2030-06-01"},
		{name: "two passes in one window: one cycle", rule: quizOnly, certs: []Certificate{cert0()},
			passes: []Pass{pass("a3", "2027-03-10 10:00"), pass("a2", "2027-02-20 10:00")},
			want:   "renew id0; c2 2027-02-20 10:00 a2 -→2028-03-15"},
		{name: "attendance before the previous issue does not count", rule: withMarks, certs: []Certificate{cert0()},
			passes: []Pass{pass("a2", "2027-03-01 10:00")}, marks: before, want: "nothing"},
		{name: "attendance between the issue and the window counts", rule: withMarks, certs: []Certificate{cert0()},
			passes: []Pass{pass("a2", "2027-03-01 10:00")},
			marks:  append([]Attendance{mark("s2", "2026-09-01 08:00", "present")}, before...),
			want:   "renew id0; c2 2027-03-01 10:00 a2 s2→2028-03-15"},
		{name: "a pass in the window, the session after expiry", rule: withMarks, certs: []Certificate{cert0()},
			passes: []Pass{pass("a2", "2027-03-01 10:00")},
			marks:  []Attendance{mark("s2", "2027-04-10 08:00", "late")},
			want:   "renew id0; c2 2027-04-10 08:00 a2 s2→2028-04-10"},
		{name: "renewed once, then after expiry", rule: quizOnly,
			certs:  []Certificate{cert0(issued0315, Cycle{N: 2, CompletedAt: at("2027-03-01 10:00"), ExpiresAt: at("2028-03-16"), Pass: "a2"})},
			passes: []Pass{pass("a2", "2027-03-01 10:00"), pass("a3", "2028-02-14 10:00"), pass("a4", "2028-04-01 10:00")},
			want:   "renew id0; c3 2028-04-01 10:00 a4 -→2029-04-01"},

		// Revocation (id0 revoked 2026-06-01 09:00).
		{name: "revoked: the old records issue nothing", rule: withMarks, certs: []Certificate{revoked(cert0(), "2026-06-01 09:00")},
			passes: []Pass{pass("a1", "2026-03-15 10:00")}, marks: before, want: "nothing"},
		{name: "revoked: a pass before the revocation counts for neither", rule: quizOnly, certs: []Certificate{revoked(cert0(), "2026-06-01 09:00")},
			passes: []Pass{pass("a2", "2026-05-01 10:00")}, want: "nothing"},
		{name: "revoked, then a pass: a new certificate", rule: quizOnly, certs: []Certificate{revoked(cert0(), "2026-06-01 09:00")},
			passes: []Pass{pass("a1", "2026-03-15 10:00"), pass("a2", "2026-07-01 10:00")},
			want:   "issue id1; c1 2026-07-01 10:00 a2 -→2027-07-01"},
		{name: "revoked, then only a session: the old pass does not count", rule: withMarks, certs: []Certificate{revoked(cert0(), "2026-06-01 09:00")},
			passes: []Pass{pass("a1", "2026-03-15 10:00")},
			marks:  []Attendance{mark("s2", "2026-07-01 08:00", "present")}, want: "nothing"},
		{name: "revoked, then a pass with the old session: it does not count", rule: withMarks, certs: []Certificate{revoked(cert0(), "2026-06-01 09:00")},
			passes: []Pass{pass("a2", "2026-07-01 10:00")}, marks: before, want: "nothing"},
		{name: "revoked, a session since the issue, then a pass", rule: withMarks, certs: []Certificate{revoked(cert0(), "2026-06-01 09:00")},
			passes: []Pass{pass("a2", "2026-07-01 10:00")},
			marks:  append([]Attendance{mark("s2", "2026-05-01 08:00", "present")}, before...),
			want:   "issue id1; c1 2026-07-01 10:00 a2 s2→2027-07-01"},
		{name: "the newest certificate is the one renewed", rule: quizOnly,
			certs:  []Certificate{revoked(cert0(), "2026-06-01 09:00"), {ID: "id9", Code: "CODE9", Cycles: []Cycle{{N: 1, CompletedAt: at("2026-07-01 10:00"), ExpiresAt: at("2027-07-02"), Pass: "a2"}}}},
			passes: []Pass{pass("a2", "2026-07-01 10:00"), pass("a3", "2027-06-15 10:00")},
			want:   "renew id9; c2 2027-06-15 10:00 a3 -→2028-07-01"},
	} {
		f := Facts{Collaborator: "p1", Course: "KC-101", Rule: tc.rule, Certs: tc.certs,
			Passes: tc.passes, Attendance: tc.marks, Now: now, NewID: ids()}
		if tc.now != "" {
			f.Now = at(tc.now)
		}
		d := Reconcile(f)
		if got := describe(d); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
			continue
		}
		checkDecision(t, tc.name, f, d)
	}
}

// checkDecision checks what every decision keeps: the certificate is the
// person's, cycles are numbered on and issued at now, each expires after it
// was completed, and reconciling again after applying it gives nothing.
func checkDecision(t *testing.T, name string, f Facts, d Decision) {
	t.Helper()
	if d.Action == Nothing {
		return
	}
	if d.Action == Issue && (d.Cert.Collaborator != f.Collaborator || d.Cert.Course != f.Course || d.Cert.Code == "") {
		t.Errorf("%s: new certificate %+v is not p1's at KC-101 with a code", name, d.Cert)
	}
	for i, c := range d.Cert.Cycles {
		if c.N != i+1 || !c.ExpiresAt.After(c.CompletedAt) {
			t.Errorf("%s: cycle %d is %+v", name, i+1, c)
		}
	}
	for _, c := range d.New {
		if !c.IssuedAt.Equal(f.Now) || c.CompletedAt.After(f.Now) {
			t.Errorf("%s: new cycle %+v not issued at now %v", name, c, f.Now)
		}
	}
	f.Certs = Apply(f.Certs, d)
	if again := Reconcile(f); again.Action != Nothing {
		t.Errorf("%s: reconciling again gives %s", name, describe(again))
	}
}
