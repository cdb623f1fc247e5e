// Package reports computes the leadership reports: the competency matrix,
// district coverage, the attainment distribution and the KPI totals per
// quarter. This file and matrix.go, coverage.go and quarters.go are pure
// (no store, no HTTP): they group inputs held in memory at a moment, so a
// report costs the store only the reads that gather its inputs.
package reports

import (
	"time"

	"github.com/ctvacademy/academy/modules/certification"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/standing"
)

// Person is one collaborator as the reports see them. Standing is theirs
// at the report's moment (standing.Compute; empty when unknown).
type Person struct {
	ID             string
	Code           string
	Name           string
	Role           string
	Area           string
	ContractEnd    time.Time // the contract's last day; zero without one
	ContractNumber string
	ContractStatus string
	Standing       standing.Standing
	// RenewalEligible: standing allows the contract's renewal today.
	RenewalEligible bool
}

// Session is a scheduled session of a course: for one district, or for
// the whole network when Area is empty.
type Session struct {
	ID       string    `json:"id"`
	Course   string    `json:"-"`
	Area     string    `json:"-"`
	StartsAt time.Time `json:"starts_at"`
}

// Course is a course of the catalog with its certification rule.
type Course struct {
	Code string
	Rule certification.Rule
}

// Record is one collaborator's quarterly record: its targets and actuals
// (standing's KPIs) and its attainment (0–1), as performance keeps it.
type Record struct {
	Person     string
	Area       string // the district its person is in now (not where it was kept)
	Quarter    clock.Quarter
	Status     string // standing.RecordDraft, RecordSubmitted or RecordApproved
	Targets    standing.KPIs
	Actuals    standing.KPIs
	Attainment float64
}

// Inputs is everything the reports are computed from.
type Inputs struct {
	People  []Person
	Courses []Course // the catalog, in its order
	// Required lists the course codes each role must hold.
	Required map[string][]string
	// Certificates are every certificate of the people (any order; a
	// certificate of someone not in People, or of a course not in Courses,
	// is left out).
	Certificates []certification.Certificate
	Records      []Record
	// Sessions are the live sessions from Now on (read when Need.Sessions).
	Sessions []Session
	// Marks and Attempts are the people's attendance and graded quiz
	// attempts, from their books (read when Need.Ledgers; entries of
	// people not in People are left out).
	Marks    []Mark
	Attempts []Graded
	// Areas are the registry's district units' names by code; a code
	// without a name is shown as it is.
	Areas map[string]string
	Now   time.Time
}

// Need says which inputs a report reads beyond the people, the catalog
// and the certificates, so that each costs only its own store reads.
type Need struct {
	// Records: the quarterly records and, from them, each person's
	// standing and renewal eligibility.
	Records bool
	// Sessions: the coming sessions.
	Sessions bool
	// Ledgers: every person's attendance entries and graded attempts.
	Ledgers bool
}

// Mark is a person's entry at a session of a course that was not
// cancelled: invited, marked, or both. Status is scheduling's mark
// (MarkPresent, MarkLate, MarkExcused, MarkAbsent), "" when not marked.
type Mark struct {
	Person, Session, Course string
	Date                    time.Time // the session's start
	Status                  string
}

// The marks of an attendance sheet (scheduling's statuses).
const (
	MarkPresent = "present"
	MarkLate    = "late"
	MarkExcused = "excused"
	MarkAbsent  = "absent"
)

// Graded is a person's graded quiz attempt at a course.
type Graded struct {
	Person, Course string
	Date           time.Time // submitted
	Passed         bool
}
