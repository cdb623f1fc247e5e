package collaborators

import (
	"context"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
)

// StandingPanel is a collaborator's standing as their page shows it, in
// the reader's language: the standing module's answer, compact (wired in
// modules/app).
type StandingPanel struct {
	Standing        string // good, attention or at_risk
	Badge           string // its badge class
	Reasons         []string
	RenewalEligible bool
	Certificates    []PanelCert
	Quarters        []PanelQuarter
	Next            []PanelCourse // the recommended courses, most needed first
	// Rank, RankOf, RankArea and RankQuarter are the person's place in
	// their district's recognition (Rank empty without one).
	Rank, RankArea, RankQuarter string
	RankOf                      int
}

// PanelCert is the certificate of a required course: valid, expiring,
// expired, revoked or missing.
type PanelCert struct {
	Course, Title, Status, ValidUntil string
}

// PanelQuarter is one of the last four quarters' record.
type PanelQuarter struct {
	Label, Status, Percent string
}

// PanelCourse is a recommended course, why, and its next session (zero
// when none is scheduled).
type PanelCourse struct {
	Code, Title, Why string
	Session          time.Time
}

// StandingReader reads a collaborator's standing panel inside scope, in
// lang (errs.NotFound outside scope).
type StandingReader func(ctx context.Context, scope authz.Scope, id, lang string) (StandingPanel, error)

// ShowStanding sets where the collaborator pages read a person's standing.
func (s *Service) ShowStanding(r StandingReader) { s.standing = r }

// StandingOf is a collaborator's standing panel inside scope in lang; nil
// when no standing is wired. Errors: errs.NotFound (also outside scope).
func (s *Service) StandingOf(ctx context.Context, scope authz.Scope, id, lang string) (*StandingPanel, error) {
	if s.standing == nil {
		return nil, nil
	}
	p, err := s.standing(ctx, scope, id, lang)
	if err != nil {
		return nil, err
	}
	return &p, nil
}
