package scheduling

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
)

// RSVP is what an answer page shows.
type RSVP struct {
	Session    Session
	Invitation Invitation
	Person     Person
}

// FindRSVP resolves an RSVP token. Errors: errs.NotFound for a forged
// token, errs.Gone when the session is cancelled or over.
func (s *Service) FindRSVP(ctx context.Context, token string) (RSVP, error) {
	if len(token) != 32 {
		return RSVP{}, errs.E(errs.NotFound, "no such invitation")
	}
	t, err := s.d.Store.Token(ctx, tokenHash(token))
	if err != nil {
		return RSVP{}, err
	}
	x, err := s.d.Store.Get(ctx, t.SessionID)
	if err != nil {
		return RSVP{}, err
	}
	inv, ok := x.Invitation(t.CollaboratorID)
	if !ok {
		return RSVP{}, errs.E(errs.NotFound, "no such invitation")
	}
	people, err := s.d.Directory.People(ctx, []string{t.CollaboratorID})
	if err != nil {
		return RSVP{}, err
	}
	r := RSVP{Session: x, Invitation: *inv, Person: people[t.CollaboratorID]}
	if x.Status == StatusCancelled || !s.d.Clock.Now().Before(x.EndsAt) {
		return r, errs.E(errs.Gone, "the session is cancelled or over")
	}
	return r, nil
}

// Answer records an RSVP answer (accept or decline) given by token. A
// decline that frees a place promotes the first on the waitlist, who is
// mailed. Errors: as FindRSVP, and errs.Invalid for an unknown answer.
// The session is read once, inside the update: on the embedded store a
// read of a session of 250 invitees costs ~12 ms of the store's one
// connection.
func (s *Service) Answer(ctx context.Context, token, answer string) (RSVP, error) {
	if len(token) != 32 {
		return RSVP{}, errs.E(errs.NotFound, "no such invitation")
	}
	t, err := s.d.Store.Token(ctx, tokenHash(token))
	if err != nil {
		return RSVP{}, err
	}
	if answer != "accept" && answer != "decline" {
		return RSVP{}, errs.Field("answer", "must be accept or decline")
	}
	var promoted string
	x, err := s.d.Store.Update(ctx, t.SessionID, func(x *Session) error {
		if _, ok := x.Invitation(t.CollaboratorID); !ok {
			return errs.E(errs.NotFound, "no such invitation")
		}
		if x.Status == StatusCancelled || !s.d.Clock.Now().Before(x.EndsAt) {
			return errs.E(errs.Gone, "the session is cancelled or over")
		}
		var err error
		promoted, err = x.Respond(t.CollaboratorID, answer, s.d.Clock.Now())
		return err
	})
	if err != nil {
		return RSVP{}, err
	}
	people, err := s.d.Directory.People(ctx, []string{t.CollaboratorID})
	if err != nil {
		return RSVP{}, err
	}
	inv, _ := x.Invitation(t.CollaboratorID)
	r := RSVP{Session: x, Invitation: *inv, Person: people[t.CollaboratorID]}
	if err := s.d.Audit.Record(ctx, "session.rsvp", "session", x.ID, map[string]any{"collaborator_id": inv.CollaboratorID, "response": inv.Response}); err != nil {
		return r, err
	}
	if promoted != "" {
		if err := s.notify(ctx, NoticePromoted, x, promoted); err != nil {
			return r, err
		}
	}
	return r, nil
}

// MarkInput is one line of an attendance sheet.
type MarkInput struct {
	CollaboratorID string `json:"collaborator_id" api:"required"`
	Status         string `json:"status" api:"required,enum=attendance_status"`
}

// MaxMarks bounds one attendance request.
const MaxMarks = MaxInvitations

// SetAttendance records attendance for invitees and walk-ins inside
// scope: staff mark anyone known, a team leader only the people of their
// district, on their district's sessions and on network-wide ones alike.
// Errors: errs.NotFound for a session outside scope, and naming each line
// whose person is unknown or outside scope (the two are indistinguishable);
// errs.Invalid naming each bad line when a status is wrong;
// errs.Unprocessable (cancelled, or not started yet). Nothing is recorded
// unless every line is right.
func (s *Service) SetAttendance(ctx context.Context, scope authz.Scope, actor authz.Principal, id string, marks []MarkInput) (Session, error) {
	if scope.Kind != authz.ScopeAll {
		// A session outside scope answers 404 before its lines are looked at.
		if _, err := s.Get(ctx, scope, id); err != nil {
			return Session{}, err
		}
	}
	if len(marks) == 0 || len(marks) > MaxMarks {
		return Session{}, errs.Field("body", "send 1 to %d attendance lines", MaxMarks)
	}
	ids := make([]string, len(marks))
	for i, m := range marks {
		ids[i] = m.CollaboratorID
	}
	known, err := s.d.Directory.People(ctx, ids)
	if err != nil {
		return Session{}, err
	}
	var fe []errs.FieldError
	badStatus := false
	for i, m := range marks {
		if p, ok := known[m.CollaboratorID]; !ok || !scope.Allows(p.AreaCode, p.ID) {
			fe = append(fe, errs.FieldError{Field: fmt.Sprintf("[%d].collaborator_id", i), Message: "no such collaborator"})
		}
		if !ValidAttendance(m.Status) {
			badStatus = true
			fe = append(fe, errs.FieldError{Field: fmt.Sprintf("[%d].status", i), Message: "must be present, late, excused or absent"})
		}
	}
	switch {
	case badStatus:
		return Session{}, errs.Fields(errs.Invalid, "the attendance sheet has problems; nothing was recorded", fe)
	case len(fe) > 0:
		return Session{}, errs.Fields(errs.NotFound, "no such collaborator; nothing was recorded", fe)
	}
	now := s.d.Clock.Now()
	x, err := s.d.Store.Update(ctx, id, func(x *Session) error {
		if !sees(scope, *x) {
			return errs.E(errs.NotFound, "no such session")
		}
		if x.Status == StatusCancelled {
			return errs.E(errs.Unprocessable, "the session is cancelled")
		}
		if now.Before(x.StartsAt.Add(-CheckinOpens)) {
			return errs.E(errs.Unprocessable, "the session has not started yet")
		}
		for _, m := range marks {
			_, invited := x.Invitation(m.CollaboratorID)
			x.SetMark(Mark{CollaboratorID: m.CollaboratorID, Status: m.Status, MarkedAt: now, MarkedBy: actor.UserID, WalkIn: !invited})
		}
		return nil
	})
	if err != nil {
		return Session{}, err
	}
	return x, s.d.Audit.Record(ctx, "session.attendance", "session", id, map[string]any{"lines": len(marks)})
}

// CheckIn marks the signed-in collaborator present with the session's
// current code. Errors: errs.NotFound, errs.Forbidden (not invited and
// not of the district), errs.Unprocessable (wrong or stale code, window).
func (s *Service) CheckIn(ctx context.Context, p authz.Principal, id, code string) (Mark, error) {
	if p.CollaboratorID == "" {
		return Mark{}, errs.E(errs.Forbidden, "only collaborators check in")
	}
	if len(code) != 6 {
		return Mark{}, errs.Field("code", "is the 6-digit code on the coordinator's screen")
	}
	var m Mark
	_, err := s.d.Store.Update(ctx, id, func(x *Session) error {
		var err error
		m, err = x.CheckIn(p.CollaboratorID, p.AreaCode, code, s.d.Clock.Now())
		return err
	})
	return m, err
}

// CurrentCode is the check-in code to show now and until when it is taken.
func (s *Service) CurrentCode(ctx context.Context, scope authz.Scope, id string) (string, time.Time, Session, error) {
	x, err := s.Get(ctx, scope, id)
	if err != nil {
		return "", time.Time{}, Session{}, err
	}
	now := s.d.Clock.Now()
	return x.CheckinCode(now), CodeValidUntil(now), x, nil
}

// Rate is a collaborator's attendance record.
type Rate struct {
	CollaboratorID string  `json:"collaborator_id"`
	Sessions       int     `json:"sessions"` // past sessions they were invited to or marked at
	Present        int     `json:"present"`
	Late           int     `json:"late"`
	Excused        int     `json:"excused"`
	Absent         int     `json:"absent"`
	Unmarked       int     `json:"unmarked"`
	Rate           float64 `json:"rate"` // (present + late) ÷ (sessions − excused)
}

// AttendanceRate computes a collaborator's attendance over past sessions
// that were not cancelled (from their book: entriesOf).
func (s *Service) AttendanceRate(ctx context.Context, collaboratorID string) (Rate, error) {
	es, err := s.entriesOf(ctx, collaboratorID, s.d.Clock.Now())
	if err != nil {
		return Rate{}, err
	}
	r := Rate{CollaboratorID: collaboratorID}
	for _, e := range es {
		if e.Cancelled {
			continue
		}
		r.Sessions++
		switch e.Status {
		case "":
			r.Unmarked++
		case AttendPresent:
			r.Present++
		case AttendLate:
			r.Late++
		case AttendExcused:
			r.Excused++
		case AttendAbsent:
			r.Absent++
		}
	}
	if d := r.Sessions - r.Excused; d > 0 {
		r.Rate = float64(r.Present+r.Late) / float64(d)
	}
	return r, nil
}

// ExportRow is one line of an attendance export.
type ExportRow struct {
	Date, Start, End string
	Hours            float64
	Place, Trainer   string
	Session          string
	Person, Code     string
	District         string
	Status           string
}

// Export lists the attendance lines of sessions (already scoped), with
// invitees never marked shown as unmarked; it keeps only the people
// inside scope (a team leader's, their district's).
func (s *Service) Export(ctx context.Context, scope authz.Scope, sessions []Session) ([]ExportRow, error) {
	var ids []string
	for _, x := range sessions {
		for _, m := range x.Attendance {
			ids = append(ids, m.CollaboratorID)
		}
		for _, inv := range x.Invitations {
			ids = append(ids, inv.CollaboratorID)
		}
	}
	people, err := s.d.Directory.People(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []ExportRow
	for _, x := range sessions {
		if x.Status == StatusCancelled {
			continue
		}
		start, end := x.StartsAt.In(vn), x.EndsAt.In(vn)
		base := ExportRow{Date: start.Format("2006-01-02"), Start: start.Format("15:04"), End: end.Format("15:04"),
			Hours: float64(int(x.EndsAt.Sub(x.StartsAt).Minutes()*100/60)) / 100, Place: x.Location, Trainer: x.Trainer, Session: x.Title}
		marked := map[string]string{}
		for _, m := range x.Attendance {
			marked[m.CollaboratorID] = m.Status
		}
		lines := map[string]bool{}
		for _, inv := range x.Invitations {
			lines[inv.CollaboratorID] = true
		}
		for id := range marked {
			lines[id] = true
		}
		var rows []ExportRow
		for id := range lines {
			p, ok := people[id]
			if !ok || !scope.Allows(p.AreaCode, p.ID) {
				continue
			}
			r := base
			r.Person, r.Code, r.District, r.Status = p.Name, p.Code, p.AreaName, marked[id]
			if r.Status == "" {
				r.Status = "unmarked"
			}
			rows = append(rows, r)
		}
		sort.Slice(rows, func(i, j int) bool { return rows[i].Person < rows[j].Person })
		out = append(out, rows...)
	}
	return out, nil
}

var vn = func() *time.Location {
	l, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return l
}()
