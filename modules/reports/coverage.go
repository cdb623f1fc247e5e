package reports

import (
	"slices"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
)

// Horizons are the expiry horizons of the coverage report, in days.
var Horizons = [3]int{30, 60, 90}

// Expiring is a certificate still valid today that expires within the
// last horizon: whose, at which course, its last day, the days left
// until it (0: it ends tonight) and the next session of the course open
// to the person's district that would renew it (nil when none is
// scheduled; Inputs.Sessions).
type Expiring struct {
	ID          string    `json:"collaborator_id"`
	Code        string    `json:"code"`
	Name        string    `json:"full_name"`
	Course      string    `json:"course"`
	ValidUntil  clock.Day `json:"valid_until"`
	Days        int       `json:"days"`
	NextSession *Session  `json:"next_session"`
}

// nextSessions finds, per course, the first session from now open to a
// district (its own or the network's).
type nextSessions map[string][]Session // by course, soonest first

func newNextSessions(xs []Session, now time.Time) nextSessions {
	n := nextSessions{}
	for _, x := range xs {
		if !x.StartsAt.Before(now) {
			n[x.Course] = append(n[x.Course], x)
		}
	}
	for _, l := range n {
		slices.SortStableFunc(l, func(a, b Session) int { return a.StartsAt.Compare(b.StartsAt) })
	}
	return n
}

func (n nextSessions) of(course, area string) *Session {
	for _, x := range n[course] {
		if x.Area == "" || x.Area == area {
			return &x
		}
	}
	return nil
}

// CourseCoverage is one course in one district: how many people's role
// requires it, how many of them hold it valid today, their share (0–1; 0
// when nobody requires it), and how many certificates end within each
// horizon (cumulative: the 60-day count includes the 30-day one).
type CourseCoverage struct {
	Course    string  `json:"course"`
	Required  int     `json:"required"`
	Certified int     `json:"certified"`
	Share     float64 `json:"share"`
	Within    [3]int  `json:"expiring_within"` // per Horizons
}

// DistrictCoverage is a district's coverage per course (catalog order,
// the courses anyone of the district requires) and the certificates
// ending within the last horizon, soonest first.
type DistrictCoverage struct {
	Area     string           `json:"area_code"`
	AreaName string           `json:"area_name"` // the district unit's name (its code without one)
	People   int              `json:"people"`
	Courses  []CourseCoverage `json:"courses"`
	Expiring []Expiring       `json:"expiring"`
}

// Coverage is every district's coverage (by area code), or one
// district's when area is not empty.
func (x *Index) Coverage(area string) []DistrictCoverage {
	in, nc := x.in, len(x.in.Courses)
	type acc struct {
		people   int
		courses  []CourseCoverage
		expiring []Expiring
	}
	by := map[string]*acc{}
	last := Horizons[len(Horizons)-1]
	next := newNextSessions(in.Sessions, in.Now)
	for p := range in.People {
		person := &in.People[p]
		if area != "" && person.Area != area {
			continue
		}
		a := by[person.Area]
		if a == nil {
			a = &acc{courses: make([]CourseCoverage, nc)}
			by[person.Area] = a
		}
		a.people++
		for c, g := range x.cells[p*nc : (p+1)*nc] {
			if g == gNotRequired {
				continue
			}
			cc := &a.courses[c]
			cc.Required++
			if g != gValid && g != gExpiring {
				continue
			}
			cc.Certified++
			end := x.until[p*nc+c].In(clock.VN).AddDate(0, 0, -1)
			days := daysFrom(x.today, end)
			if days > last {
				continue
			}
			for h, limit := range Horizons {
				if days <= limit {
					cc.Within[h]++
				}
			}
			a.expiring = append(a.expiring, Expiring{ID: person.ID, Code: person.Code, Name: person.Name,
				Course: in.Courses[c].Code, ValidUntil: clock.DayOf(end), Days: days, NextSession: next.of(in.Courses[c].Code, person.Area)})
		}
	}
	out := make([]DistrictCoverage, 0, len(by))
	for code, a := range by {
		d := DistrictCoverage{Area: code, AreaName: x.AreaName(code), People: a.people, Courses: []CourseCoverage{}, Expiring: a.expiring}
		for c, cc := range a.courses {
			if cc.Required == 0 {
				continue
			}
			cc.Course = in.Courses[c].Code
			cc.Share = float64(cc.Certified) / float64(cc.Required)
			d.Courses = append(d.Courses, cc)
		}
		slices.SortFunc(d.Expiring, func(a, b Expiring) int {
			if a.Days != b.Days {
				return a.Days - b.Days
			}
			if a.Code != b.Code {
				return strings.Compare(a.Code, b.Code)
			}
			return strings.Compare(a.Course, b.Course)
		})
		if d.Expiring == nil {
			d.Expiring = []Expiring{}
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b DistrictCoverage) int { return strings.Compare(a.Area, b.Area) })
	return out
}

// daysFrom is the number of calendar days in Vietnam from the day today
// to the day end (both midnight there).
func daysFrom(today, end time.Time) int {
	ty, tm, td := today.Date()
	ey, em, ed := end.In(clock.VN).Date()
	a := time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)
	b := time.Date(ey, em, ed, 0, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours() / 24)
}
