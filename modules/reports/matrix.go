package reports

import (
	"slices"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/certification"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/standing"
)

// The statuses of a matrix cell: a certificate's (certification.Status),
// missing when a required course has none, and not_required for a course
// the person's role does not require.
const (
	CellValid       = "valid"
	CellExpiring    = "expiring"
	CellExpired     = "expired"
	CellRevoked     = "revoked"
	CellMissing     = "missing"
	CellNotRequired = "not_required"
)

// CellStatuses lists the statuses a required cell may have, best first.
var CellStatuses = []string{CellValid, CellExpiring, CellExpired, CellRevoked, CellMissing}

// status codes in the grid, best first; 0 is "not required".
const (
	gNotRequired uint8 = iota
	gValid
	gExpiring
	gExpired
	gRevoked
	gMissing
)

var gridNames = [...]string{CellNotRequired, CellValid, CellExpiring, CellExpired, CellRevoked, CellMissing}

func gridOf(s certification.Status) uint8 {
	switch s {
	case certification.StatusValid:
		return gValid
	case certification.StatusExpiring:
		return gExpiring
	case certification.StatusRevoked:
		return gRevoked
	}
	return gExpired
}

// Index is the reports' inputs grouped once: every person's cell at every
// course of the catalog at Now, their last approved attainment, and the
// people of each district. Matrix, Coverage and Quarters read it; it is
// not changed after Build, so it may be shared.
type Index struct {
	in      Inputs
	courses map[string]int
	// required[r][c]: the role r (roles' index) requires course c.
	roles    map[string]int
	required [][]bool
	// cells[p*len(Courses)+c] is person p's status at course c, and
	// until[...] the expiry instant of the certificate behind it.
	cells []uint8
	until []time.Time
	last  []int // per person: index in in.Records of the last approved record, -1 without
	today time.Time
}

// Build groups in at in.Now. Of a person's several certificates at one
// course the best counts (valid before expiring before expired before
// revoked; the later expiry between equals).
func Build(in Inputs) *Index {
	nc := len(in.Courses)
	x := &Index{in: in, courses: make(map[string]int, nc), roles: map[string]int{}}
	for i, c := range in.Courses {
		x.courses[c.Code] = i
	}
	for role, codes := range in.Required {
		row := make([]bool, nc)
		for _, code := range codes {
			if c, ok := x.courses[code]; ok {
				row[c] = true
			}
		}
		x.roles[role] = len(x.required)
		x.required = append(x.required, row)
	}
	people := make(map[string]int, len(in.People))
	x.cells = make([]uint8, len(in.People)*nc)
	x.until = make([]time.Time, len(in.People)*nc)
	for p, person := range in.People {
		people[person.ID] = p
		if r, ok := x.roles[person.Role]; ok {
			for c, req := range x.required[r] {
				if req {
					x.cells[p*nc+c] = gMissing
				}
			}
		}
	}
	for i := range in.Certificates {
		cert := &in.Certificates[i]
		p, ok := people[cert.Collaborator]
		if !ok {
			continue
		}
		c, ok := x.courses[cert.Course]
		if !ok {
			continue
		}
		at := p*nc + c
		if x.cells[at] == gNotRequired {
			continue
		}
		g := gridOf(certification.StatusAt(*cert, in.Courses[c].Rule, in.Now))
		exp := cert.Current().ExpiresAt
		if g < x.cells[at] || (g == x.cells[at] && exp.After(x.until[at])) {
			x.cells[at], x.until[at] = g, exp
		}
	}
	x.last = make([]int, len(in.People))
	for i := range x.last {
		x.last[i] = -1
	}
	for i, r := range in.Records {
		if r.Status != standing.RecordApproved {
			continue
		}
		p, ok := people[r.Person]
		if !ok {
			continue
		}
		if l := x.last[p]; l < 0 || before(in.Records[l].Quarter, r.Quarter) {
			x.last[p] = i
		}
	}
	y, m, d := in.Now.In(clock.VN).Date()
	x.today = time.Date(y, m, d, 0, 0, 0, 0, clock.VN)
	return x
}

// AreaName is the district unit's name (Inputs.Areas), or its code when
// the registry has no name for it.
func (x *Index) AreaName(code string) string {
	if n := x.in.Areas[code]; n != "" {
		return n
	}
	return code
}

func before(a, b clock.Quarter) bool {
	return a.Year < b.Year || (a.Year == b.Year && a.Q < b.Q)
}

// Filter narrows the matrix: to a district, a role, a course (its column,
// and the people whose role requires it) and a standing. Empty fields do
// not narrow.
type Filter struct {
	Area     string
	Role     string
	Course   string
	Standing standing.Standing
}

// Counts counts required cells by status.
type Counts struct {
	Valid    int `json:"valid"`
	Expiring int `json:"expiring"`
	Expired  int `json:"expired"`
	Revoked  int `json:"revoked"`
	Missing  int `json:"missing"`
}

func (c *Counts) add(g uint8) {
	switch g {
	case gValid:
		c.Valid++
	case gExpiring:
		c.Expiring++
	case gExpired:
		c.Expired++
	case gRevoked:
		c.Revoked++
	case gMissing:
		c.Missing++
	}
}

// Required is the number of required cells counted.
func (c Counts) Required() int { return c.Valid + c.Expiring + c.Expired + c.Revoked + c.Missing }

// Certified is the number of cells holding a certificate valid today
// (expiring included: it is valid until its expiry day).
func (c Counts) Certified() int { return c.Valid + c.Expiring }

// Cell is one person's status at one course, with the last day of the
// certificate behind it (zero when missing or not required).
type Cell struct {
	Status     string    `json:"status" api:"enum=competency_cell"`
	ValidUntil clock.Day `json:"valid_until,omitzero"`
}

// Attainment is a quarter's attainment (0–1).
type Attainment struct {
	Quarter string  `json:"quarter"` // clock.Quarter's form, 2026-Q1
	Value   float64 `json:"value"`
}

// Named is a person as a report's row names them: who they are, their
// role and their district.
type Named struct {
	ID       string `json:"collaborator_id"`
	Code     string `json:"code"`
	Name     string `json:"full_name"`
	Role     string `json:"role" api:"enum=report_role"`
	Area     string `json:"area_code"`
	AreaName string `json:"area_name"` // the district unit's name (its code without one)
}

// named is p as a report's row names them.
func (x *Index) named(p *Person) Named {
	return Named{ID: p.ID, Code: p.Code, Name: p.Name, Role: p.Role, Area: p.Area, AreaName: x.AreaName(p.Area)}
}

// Row is one person of the matrix.
type Row struct {
	Named
	Standing standing.Standing `json:"standing,omitempty" api:"enum=report_standing"`
	// LastAttainment is the latest approved quarter's (nil without one).
	LastAttainment *Attainment `json:"last_attainment"`
	Cells          []Cell      `json:"cells"` // one per column
}

// District is a district's totals per column.
type District struct {
	Area     string   `json:"area_code"`
	AreaName string   `json:"area_name"` // the district unit's name (its code without one)
	People   int      `json:"people"`
	Columns  []Counts `json:"columns"` // one per column
}

// Matrix is the competency matrix: a row per person (in the order of
// Inputs.People), a column per course required of any of them (catalog
// order; without anyone, per course the filter selects: its course, else
// those its role, or any role, requires), totals per column and per
// district (by area code).
type Matrix struct {
	At        time.Time  `json:"at"`
	Courses   []string   `json:"courses"`
	Rows      []Row      `json:"rows"`
	Totals    []Counts   `json:"totals"`
	Districts []District `json:"districts"`
}

// Matrix is the competency matrix of the people f lets through.
func (x *Index) Matrix(f Filter) Matrix {
	in, nc := x.in, len(x.in.Courses)
	course := -1
	if f.Course != "" {
		c, ok := x.courses[f.Course]
		if !ok {
			return Matrix{At: in.Now, Courses: []string{}, Rows: []Row{}, Totals: []Counts{}, Districts: []District{}}
		}
		course = c
	}
	// The people, and the columns any of them requires.
	rows := make([]int, 0, len(in.People))
	used := make([]bool, nc)
	for p, person := range in.People {
		if (f.Area != "" && person.Area != f.Area) || (f.Role != "" && person.Role != f.Role) ||
			(f.Standing != "" && person.Standing != f.Standing) {
			continue
		}
		cells := x.cells[p*nc : (p+1)*nc]
		if course >= 0 && cells[course] == gNotRequired {
			continue
		}
		rows = append(rows, p)
		for c, g := range cells {
			if g != gNotRequired {
				used[c] = true
			}
		}
	}
	if len(rows) == 0 {
		// Nobody passes: the columns are those the filter selects, so that
		// an empty matrix (and its exports) has the header a full one
		// would: the course, or the courses the role (any role) requires.
		for role, r := range x.roles {
			if f.Role == "" || role == f.Role {
				for c, req := range x.required[r] {
					used[c] = used[c] || req
				}
			}
		}
		if course >= 0 {
			used[course] = true
		}
	}
	var cols []int
	for c := range nc {
		if used[c] && (course < 0 || c == course) {
			cols = append(cols, c)
		}
	}
	m := Matrix{At: in.Now, Courses: make([]string, len(cols)), Rows: make([]Row, len(rows)), Totals: make([]Counts, len(cols))}
	for j, c := range cols {
		m.Courses[j] = in.Courses[c].Code
	}
	cellBuf := make([]Cell, len(rows)*len(cols))
	districts := map[string]int{}
	for i, p := range rows {
		person := &in.People[p]
		d, ok := districts[person.Area]
		if !ok {
			d = len(m.Districts)
			districts[person.Area] = d
			m.Districts = append(m.Districts, District{Area: person.Area, AreaName: x.AreaName(person.Area), Columns: make([]Counts, len(cols))})
		}
		dist := &m.Districts[d]
		dist.People++
		row := Row{Named: x.named(person), Standing: person.Standing, Cells: cellBuf[i*len(cols) : (i+1)*len(cols) : (i+1)*len(cols)]}
		if l := x.last[p]; l >= 0 {
			r := &in.Records[l]
			row.LastAttainment = &Attainment{Quarter: r.Quarter.String(), Value: r.Attainment}
		}
		for j, c := range cols {
			g := x.cells[p*nc+c]
			row.Cells[j].Status = gridNames[g]
			if g != gNotRequired && g != gMissing {
				row.Cells[j].ValidUntil = clock.DayOf(x.until[p*nc+c].In(clock.VN).AddDate(0, 0, -1))
			}
			m.Totals[j].add(g)
			dist.Columns[j].add(g)
		}
		m.Rows[i] = row
	}
	slices.SortFunc(m.Districts, func(a, b District) int { return strings.Compare(a.Area, b.Area) })
	if m.Districts == nil {
		m.Districts = []District{}
	}
	return m
}
