package reports

import (
	"cmp"
	"slices"

	"github.com/ctvacademy/academy/modules/platform/clock"
)

// CourseQuarter is one course in one quarter (or, with Course empty, every
// course of the report in that quarter): how the sessions held went and
// how the quiz went.
//
// Attendance counts the entries of the people in view at the sessions of
// the course that started in the quarter before the report's moment and
// were not cancelled: each person invited or marked at such a session is
// one entry (Invited). Present and late count as attended; an excused
// absence counts neither way (it leaves the denominator); an absence and
// an invitation left unmarked count against. So AttendanceRate =
// (Present + Late) ÷ (Invited − Excused), nil (null in JSON) when that
// is 0: a quarter without a class is not a quarter nobody came to.
//
// The quiz counts the graded attempts submitted in the quarter: PassRate
// = Passed ÷ Attempts (nil, null in JSON, without attempts); PassedPeople is how many
// people passed at least once.
//
// A person is counted in their district of today (the registry's), like
// the other reports.
type CourseQuarter struct {
	Q              clock.Quarter `json:"-"`
	Quarter        string        `json:"quarter"` // 2026-Q1
	Course         string        `json:"course"`
	Sessions       int           `json:"sessions"`
	Invited        int           `json:"invited"`
	Present        int           `json:"present"`
	Late           int           `json:"late"`
	Excused        int           `json:"excused"`
	Absent         int           `json:"absent"`
	Unmarked       int           `json:"unmarked"`
	AttendanceRate *float64      `json:"attendance_rate"` // nil when Expected is 0
	Attempts       int           `json:"attempts"`
	Passed         int           `json:"passed"`
	PassedPeople   int           `json:"passed_people"`
	PassRate       *float64      `json:"pass_rate"` // nil without attempts
}

// Attended is how many entries count as attended (present or late).
func (r CourseQuarter) Attended() int { return r.Present + r.Late }

// Expected is the attendance rate's denominator: the entries less the
// excused absences.
func (r CourseQuarter) Expected() int { return r.Invited - r.Excused }

// courseTally is a CourseQuarter being counted: the sessions and the
// people who passed, as sets.
type courseTally struct {
	CourseQuarter
	sessions map[string]bool
	passed   map[string]bool
}

// CourseRates are the attendance and quiz pass rates per course and
// quarter of the people in area (all when empty) at course (all when
// empty), ordered by course as in the catalog, then quarter, oldest first;
// and the same per quarter over those courses (Course empty), oldest
// first. A course or quarter with neither a session held nor an attempt
// has no row.
func (x *Index) CourseRates(area, course string) (rows, totals []CourseQuarter) {
	areaOf := make(map[string]string, len(x.in.People))
	for _, p := range x.in.People {
		areaOf[p.ID] = p.Area
	}
	counted := func(person, c string) bool {
		a, ok := areaOf[person]
		_, known := x.courses[c]
		return ok && known && (area == "" || a == area) && (course == "" || c == course)
	}
	type key struct {
		course string
		q      clock.Quarter
	}
	by := map[key]*courseTally{}
	tally := func(c string, q clock.Quarter) []*courseTally {
		out := make([]*courseTally, 0, 2)
		for _, k := range []key{{c, q}, {"", q}} {
			t := by[k]
			if t == nil {
				t = &courseTally{CourseQuarter: CourseQuarter{Q: q, Quarter: q.String(), Course: k.course},
					sessions: map[string]bool{}, passed: map[string]bool{}}
				by[k] = t
			}
			out = append(out, t)
		}
		return out
	}
	for _, m := range x.in.Marks {
		if !counted(m.Person, m.Course) || !m.Date.Before(x.in.Now) {
			continue
		}
		for _, t := range tally(m.Course, clock.QuarterOf(m.Date)) {
			t.sessions[m.Session] = true
			t.Invited++
			switch m.Status {
			case MarkPresent:
				t.Present++
			case MarkLate:
				t.Late++
			case MarkExcused:
				t.Excused++
			case MarkAbsent:
				t.Absent++
			default:
				t.Unmarked++
			}
		}
	}
	for _, a := range x.in.Attempts {
		if !counted(a.Person, a.Course) || a.Date.After(x.in.Now) {
			continue
		}
		for _, t := range tally(a.Course, clock.QuarterOf(a.Date)) {
			t.Attempts++
			if a.Passed {
				t.Passed++
				t.passed[a.Person] = true
			}
		}
	}
	for k, t := range by {
		r := t.CourseQuarter
		r.Sessions, r.PassedPeople = len(t.sessions), len(t.passed)
		if n := r.Expected(); n > 0 {
			r.AttendanceRate = ptr(float64(r.Attended()) / float64(n))
		}
		if r.Attempts > 0 {
			r.PassRate = ptr(float64(r.Passed) / float64(r.Attempts))
		}
		if k.course == "" {
			totals = append(totals, r)
		} else {
			rows = append(rows, r)
		}
	}
	byQuarter := func(a, b CourseQuarter) int {
		return cmp.Or(cmp.Compare(a.Q.Year, b.Q.Year), cmp.Compare(a.Q.Q, b.Q.Q))
	}
	slices.SortFunc(rows, func(a, b CourseQuarter) int {
		return cmp.Or(cmp.Compare(x.courses[a.Course], x.courses[b.Course]), byQuarter(a, b))
	})
	slices.SortFunc(totals, byQuarter)
	return rows, totals
}
