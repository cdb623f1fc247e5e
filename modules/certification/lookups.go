package certification

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
)

// View is a certificate as the API, the PDF and the verify page show it,
// with its status at the clock's now.
type View struct {
	ID               string      `json:"id"`
	CollaboratorID   string      `json:"collaborator_id"`
	FullName         string      `json:"full_name"`
	AreaCode         string      `json:"area_code"`
	CourseCode       string      `json:"course_code"`
	CourseTitle      string      `json:"course_title"`
	CourseTitleEN    string      `json:"course_title_en,omitempty"` // the course's title in English
	Status           Status      `json:"status" api:"enum=certificate_status"`
	IssuedAt         time.Time   `json:"issued_at"`                     // the certificate's first cycle (Cycle.Issued)
	RenewedAt        time.Time   `json:"renewed_at"`                    // its current cycle (Cycle.Issued)
	ExpiresAt        time.Time   `json:"expires_at"`                    // the instant it stops being valid
	ValidUntil       string      `json:"valid_until" api:"format=date"` // its last valid day (Vietnam), YYYY-MM-DD
	VerificationCode Code        `json:"verification_code"`
	Cycles           []CycleView `json:"cycles"`
	RevokedAt        *time.Time  `json:"revoked_at,omitempty"`
	RevokeReason     string      `json:"revoke_reason,omitempty"`
}

// TitleIn is the course's title in lang: English for "en" when the course
// has one, else Vietnamese.
func (v View) TitleIn(lang string) string {
	return CourseTitleIn(v.CourseTitle, v.CourseTitleEN, lang)
}

// CourseTitleIn picks a course title by language: en for "en" when there
// is one, else vi.
func CourseTitleIn(vi, en, lang string) string {
	if lang == "en" && en != "" {
		return en
	}
	return vi
}

// CycleView is one cycle of a certificate.
type CycleView struct {
	N           int       `json:"n"`
	IssuedAt    time.Time `json:"issued_at"`
	CompletedAt time.Time `json:"completed_at"`
	ExpiresAt   time.Time `json:"expires_at"`
}

// view builds a certificate's View.
func (s *Service) view(c Certificate, h Holder, now time.Time) View {
	course, _ := s.d.Courses.Course(c.Course)
	cur := c.Current()
	v := View{ID: c.ID, CollaboratorID: c.Collaborator, FullName: h.FullName, AreaCode: h.AreaCode,
		CourseCode: c.Course, CourseTitle: course.Title, CourseTitleEN: course.TitleEN, Status: StatusAt(c, course.Rule, now),
		IssuedAt: c.Cycles[0].Issued(), RenewedAt: cur.Issued(), ExpiresAt: cur.ExpiresAt,
		ValidUntil: cur.ValidUntil().Format(time.DateOnly), VerificationCode: c.Code}
	for _, cy := range c.Cycles {
		v.Cycles = append(v.Cycles, CycleView{N: cy.N, IssuedAt: cy.Issued(), CompletedAt: cy.CompletedAt, ExpiresAt: cy.ExpiresAt})
	}
	if c.Revoked != nil {
		at := c.Revoked.At
		v.RevokedAt, v.RevokeReason = &at, c.Revoked.Reason
	}
	return v
}

// holders returns the registry by id.
func (s *Service) holders(ctx context.Context) (map[string]Holder, error) {
	all, err := s.d.People.Everyone(ctx)
	out := make(map[string]Holder, len(all))
	for _, h := range all {
		out[h.ID] = h
	}
	return out, err
}

// Filter narrows a list of certificates.
type Filter struct {
	CollaboratorID string
	Status         Status
	AreaCode       string
	Course         string
}

// ParseStatus checks a status filter ("" for any).
func ParseStatus(s string) (Status, error) {
	switch st := Status(s); st {
	case "", StatusValid, StatusExpiring, StatusExpired, StatusRevoked:
		return st, nil
	}
	return "", errs.Field("status", "must be valid, expiring, expired or revoked")
}

// List returns the certificates inside scope that pass the filter, newest
// first (by the current cycle's issue).
func (s *Service) List(ctx context.Context, scope authz.Scope, f Filter) ([]View, error) {
	if code := strings.ToUpper(strings.TrimSpace(f.Course)); code != "" {
		if _, ok := s.d.Courses.Course(code); !ok {
			return nil, errs.Field("course", "no course of the catalog has this code")
		}
		f.Course = code
	}
	snap, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	hs, err := s.holders(ctx)
	if err != nil {
		return nil, err
	}
	now := s.d.Clock.Now()
	out := []View{}
	for id, certs := range snap.people {
		if f.CollaboratorID != "" && id != f.CollaboratorID {
			continue
		}
		h := hs[id]
		if !scope.Allows(h.AreaCode, id) || (f.AreaCode != "" && h.AreaCode != f.AreaCode) {
			continue
		}
		for _, c := range certs {
			if len(c.Cycles) == 0 || (f.Course != "" && c.Course != f.Course) {
				continue
			}
			v := s.view(c, h, now)
			if f.Status != "" && v.Status != f.Status {
				continue
			}
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b View) int {
		if c := b.RenewedAt.Compare(a.RenewedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// Certificate returns one certificate inside scope. Errors: errs.NotFound
// (also outside scope).
func (s *Service) Certificate(ctx context.Context, scope authz.Scope, id string) (View, error) {
	c, err := s.certificate(ctx, id)
	if err != nil {
		return View{}, err
	}
	h, _, err := s.d.People.Holder(ctx, c.Collaborator)
	if err != nil {
		return View{}, err
	}
	if !scope.Allows(h.AreaCode, c.Collaborator) {
		return View{}, errs.E(errs.NotFound, "no such certificate")
	}
	return s.view(c, h, s.d.Clock.Now()), nil
}

// certificate returns the certificate id names from the process's copy of
// every certificate (any scope). Errors: errs.NotFound.
func (s *Service) certificate(ctx context.Context, id string) (Certificate, error) {
	snap, err := s.current(ctx)
	if err != nil {
		return Certificate{}, err
	}
	c, ok := snap.byID[id]
	if !ok {
		return Certificate{}, errs.E(errs.NotFound, "no such certificate")
	}
	return c, nil
}

// Verify returns the certificate a verification code names (any spelling
// ParseCode accepts), read by `_id` from the store (not the cached copy).
// Errors: errs.Invalid (field code), errs.NotFound.
func (s *Service) Verify(ctx context.Context, code string) (View, error) {
	c, err := ParseCode(code)
	if err != nil {
		return View{}, err
	}
	who, id, err := s.d.Store.Code(ctx, c)
	if err != nil {
		return View{}, err
	}
	p, err := s.d.Store.Of(ctx, who)
	if err != nil {
		return View{}, err
	}
	for _, cert := range p.Certs {
		if cert.ID == id {
			h, _, err := s.d.People.Holder(ctx, who)
			if err != nil {
				return View{}, err
			}
			return s.view(cert, h, s.d.Clock.Now()), nil
		}
	}
	return View{}, errs.E(errs.NotFound, "no such certificate")
}

// RenewalOpens is when the renewal window of the person's current
// certificate of course opens (a revoked one: when it was revoked); zero
// when they hold none. The quiz engine opens a new cycle of attempts then.
// It reads the person's document by `_id`, not every person's copy: a
// burst of quiz starts in a fresh process must not wait for a load of the
// whole network's certificates.
func (s *Service) RenewalOpens(ctx context.Context, collaboratorID, course string) (time.Time, error) {
	c, ok := s.d.Courses.Course(course)
	if !ok {
		return time.Time{}, nil
	}
	p, err := s.d.Store.Of(ctx, collaboratorID)
	if err != nil {
		return time.Time{}, err
	}
	var last *Certificate
	for i, cert := range p.Certs {
		if cert.Course == course && len(cert.Cycles) > 0 {
			last = &p.Certs[i]
		}
	}
	if last == nil {
		return time.Time{}, nil
	}
	return WindowOpens(*last, c.Rule), nil
}

// MaxReason is the longest revocation reason, in characters.
const MaxReason = 500

// Revoke ends a certificate for good, with a reason; it is audited.
// Errors: errs.Invalid (field reason), errs.NotFound, errs.Conflict when
// it is revoked already.
func (s *Service) Revoke(ctx context.Context, p authz.Principal, id, reason string) (View, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return View{}, errs.Field("reason", "is required")
	case utf8.RuneCountInString(reason) > MaxReason:
		return View{}, errs.Field("reason", "must be at most %d characters", MaxReason)
	}
	c, err := s.certificate(ctx, id)
	if err != nil {
		return View{}, err
	}
	now := s.d.Clock.Now()
	var revoked Certificate
	person, _, err := s.d.Store.Change(ctx, c.Collaborator, func(certs []Certificate) ([]Certificate, error) {
		certs = slices.Clone(certs)
		for i := range certs {
			if certs[i].ID != id {
				continue
			}
			if certs[i].Revoked != nil {
				return nil, errs.E(errs.Conflict, "the certificate is revoked already")
			}
			certs[i].Revoked = &Revocation{At: now, By: p.UserID, Reason: reason}
			revoked = certs[i]
			return certs, nil
		}
		return nil, errs.E(errs.NotFound, "no such certificate")
	})
	if err != nil {
		return View{}, err
	}
	if err := s.changed(ctx, person); err != nil {
		return View{}, err
	}
	if err := s.d.Audit.Record(ctx, "certificate.revoke", "certificate", id,
		map[string]any{"collaborator": c.Collaborator, "course": c.Course, "reason": reason}); err != nil {
		return View{}, err
	}
	h, _, err := s.d.People.Holder(ctx, c.Collaborator)
	if err != nil {
		return View{}, err
	}
	return s.view(revoked, h, now), nil
}
