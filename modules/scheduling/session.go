// Package scheduling runs the Center's classes: sessions (single or a
// recurring series), invitations with RSVP and a waitlist, reminders,
// attendance and check-in with a rotating code. A session document holds
// its invitations and attendance, so that one `_id` update reaches them.
package scheduling

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/humantext"
)

// Session statuses.
const (
	StatusScheduled = "scheduled"
	StatusCancelled = "cancelled"
)

// Invitation responses. Waitlisted is an accept that found the session
// full; it becomes accepted when a place frees.
const (
	ResponsePending    = "pending"
	ResponseAccepted   = "accepted"
	ResponseDeclined   = "declined"
	ResponseWaitlisted = "waitlisted"
)

// Attendance statuses.
const (
	AttendPresent = "present"
	AttendLate    = "late"
	AttendExcused = "excused"
	AttendAbsent  = "absent"
)

// MaxInvitations bounds one session's invitations (it is one document).
const MaxInvitations = 500

// Session is one class meeting. Its store document carries these names;
// the invitations and marks are stored compactly (sessionDoc).
type Session struct {
	ID           string    `bson:"_id"`
	SeriesID     string    `bson:"series_id,omitempty"` // shared by the occurrences of a recurring series
	CourseCode   string    `bson:"course_code,omitempty"`
	Title        string    `bson:"title"`
	StartsAt     time.Time `bson:"starts_at"`
	EndsAt       time.Time `bson:"ends_at"`
	Location     string    `bson:"location"`
	AreaCode     string    `bson:"area_code,omitempty"` // the district unit it is for; empty for all
	Capacity     int       `bson:"capacity"`            // 0: no limit
	Trainer      string    `bson:"trainer,omitempty"`
	Status       string    `bson:"status"`
	Recurrence   string    `bson:"recurrence,omitempty"` // the RRULE the series was made from
	CancelReason string    `bson:"cancel_reason,omitempty"`
	// Sequence counts the changes invitees are told of (time, place,
	// title, trainer) and the cancellation, for calendar updates.
	Sequence int `bson:"sequence"`
	// Rescheduled is the Sequence of the last change of date or time (0:
	// none): it asked every invitee to answer again (Reschedule), so an
	// invitee last mailed before it is due a notice asking that too.
	Rescheduled  int          `bson:"rescheduled,omitempty"`
	Invitations  []Invitation `bson:"-"`
	Attendance   []Mark       `bson:"-"`
	CheckinKey   []byte       `bson:"checkin_key"` // secret of the rotating check-in code
	ReminderSent bool         `bson:"reminder_sent"`
	Rev          int64        `bson:"rev"`
	// BookDue says that marks written at MarksRev (the session's rev) may
	// be missing from their people's attendance books: the write that
	// changed them clears it once the books have them, and whoever finds
	// it set (the next update, the book's job) writes them all. InvDue says
	// the same of invitations (and a cancellation) not yet in the books of
	// people without a mark: the book's job writes those.
	BookDue  bool  `bson:"book_due,omitempty"`
	MarksRev int64 `bson:"marks_rev,omitempty"`
	InvDue   bool  `bson:"inv_due,omitempty"`
}

// Invitation is one collaborator invited to a session.
type Invitation struct {
	CollaboratorID string    `bson:"collaborator_id"`
	Response       string    `bson:"response"`
	InvitedAt      time.Time `bson:"invited_at"`
	RespondedAt    time.Time `bson:"responded_at,omitempty"`
	// WaitlistedAt orders the waitlist: when the invitee joined it. A
	// reschedule keeps it on the answer it returns to pending, so that an
	// invitee who accepts again and finds the session full is waitlisted
	// at their earlier place.
	WaitlistedAt time.Time `bson:"waitlisted_at,omitempty"`
	// Notified is the session sequence the invitee was last mailed about
	// (-1: not yet); a job mails whoever lags behind after a crash.
	Notified int `bson:"notified"`
	// Withheld: the session was cancelled before the invitation was
	// mailed (a crash came between), so none was, nor a cancellation.
	Withheld bool `bson:"withheld,omitempty"`
	// Failure says why the last notice due to the invitee could not be
	// written or queued (a broken template, an unusable address); empty
	// once one is queued. The catch-up job tries again.
	Failure string `bson:"failure,omitempty"`
}

// Mark is one collaborator's attendance at a session.
type Mark struct {
	CollaboratorID string    `bson:"collaborator_id"`
	Status         string    `bson:"status"`
	MarkedAt       time.Time `bson:"marked_at"`
	MarkedBy       string    `bson:"marked_by"` // user id, or "checkin"
	WalkIn         bool      `bson:"walk_in"`
}

// Input is a new session (POST) — or the series it starts.
type Input struct {
	CourseCode string    `json:"course_code"`
	Title      string    `json:"title" api:"required"`
	StartsAt   time.Time `json:"starts_at" api:"required"`
	EndsAt     time.Time `json:"ends_at" api:"required"`
	Location   string    `json:"location" api:"required"`
	AreaCode   string    `json:"area_code"`
	Capacity   int       `json:"capacity"`
	Trainer    string    `json:"trainer"`
	Recurrence string    `json:"recurrence"`
}

// Validate checks an input; knownArea and knownCourse tell what exists.
func (in Input) Validate(knownCourse, knownArea func(string) bool) []errs.FieldError {
	var fe []errs.FieldError
	add := func(f, m string) { fe = append(fe, errs.FieldError{Field: f, Message: m}) }
	if in.CourseCode != "" && !knownCourse(in.CourseCode) {
		add("course_code", "is not a course of the catalog")
	}
	if t := strings.TrimSpace(in.Title); t == "" || len([]rune(t)) > 200 {
		add("title", "is required, at most 200 characters")
	}
	if in.StartsAt.IsZero() {
		add("starts_at", "is required (RFC 3339 with an offset)")
	}
	if in.EndsAt.IsZero() {
		add("ends_at", "is required (RFC 3339 with an offset)")
	}
	if !in.StartsAt.IsZero() && !in.EndsAt.IsZero() {
		if !in.EndsAt.After(in.StartsAt) {
			add("ends_at", "must be after starts_at")
		} else if in.EndsAt.Sub(in.StartsAt) > 12*time.Hour {
			add("ends_at", "a session lasts at most 12 hours")
		}
	}
	if l := strings.TrimSpace(in.Location); l == "" || len([]rune(l)) > 300 {
		add("location", "is required, at most 300 characters")
	}
	if in.AreaCode != "" && !knownArea(in.AreaCode) {
		add("area_code", "is not a known district unit")
	}
	if in.Capacity < 0 || in.Capacity > MaxInvitations {
		add("capacity", fmt.Sprintf("must be from 0 (no limit) to %d", MaxInvitations))
	}
	if len([]rune(in.Trainer)) > 200 {
		add("trainer", "must have at most 200 characters")
	}
	if in.Recurrence != "" {
		if _, err := Occurrences(in.Recurrence, in.StartsAt); err != nil {
			add("recurrence", err.Error())
		}
	}
	// Each of these reaches mail subjects and bodies and calendar
	// entries: a line break or a bare CR there split headers and made
	// calendar properties, and a title that cannot be mailed recorded
	// invitations that were never sent.
	for _, f := range []struct{ name, value string }{{"title", in.Title}, {"location", in.Location}, {"trainer", in.Trainer}} {
		if humantext.Control(f.value, false) {
			add(f.name, humantext.ControlMessage)
		}
	}
	return fe
}

// Invitation returns the invitation of a collaborator, if any.
func (s *Session) Invitation(collaboratorID string) (*Invitation, bool) {
	for i := range s.Invitations {
		if s.Invitations[i].CollaboratorID == collaboratorID {
			return &s.Invitations[i], true
		}
	}
	return nil, false
}

// Over says whether the session has ended at now: it takes no more
// invitations, and its sheet is for attendance only.
func (s Session) Over(now time.Time) bool { return !s.EndsAt.After(now) }

// MarkOf is the attendance mark of a collaborator, if any.
func (s Session) MarkOf(collaboratorID string) (Mark, bool) {
	for _, m := range s.Attendance {
		if m.CollaboratorID == collaboratorID {
			return m, true
		}
	}
	return Mark{}, false
}

// Accepted counts the accepted invitations.
func (s *Session) Accepted() int {
	n := 0
	for _, inv := range s.Invitations {
		if inv.Response == ResponseAccepted {
			n++
		}
	}
	return n
}

// Invite adds invitations for the collaborators not yet invited and
// returns their ids. Errors: errs.Unprocessable when the session is
// cancelled or would hold too many invitations.
func (s *Session) Invite(ids []string, now time.Time) ([]string, error) {
	if s.Status == StatusCancelled {
		return nil, errs.E(errs.Unprocessable, "the session is cancelled")
	}
	var added []string
	for _, id := range ids {
		if _, ok := s.Invitation(id); ok {
			continue
		}
		s.Invitations = append(s.Invitations, Invitation{CollaboratorID: id, Response: ResponsePending, InvitedAt: now, Notified: -1})
		added = append(added, id)
	}
	if len(s.Invitations) > MaxInvitations {
		return nil, errs.E(errs.Unprocessable, "a session holds at most %d invitations", MaxInvitations)
	}
	return added, nil
}

// Respond records a collaborator's answer. An accept of a full session is
// waitlisted; a decline of an accepted place promotes the first on the
// waitlist, whose id it returns. Errors: errs.NotFound (not invited),
// errs.Gone (cancelled or over), errs.Invalid (unknown answer).
func (s *Session) Respond(collaboratorID, answer string, now time.Time) (promoted string, err error) {
	inv, ok := s.Invitation(collaboratorID)
	if !ok {
		return "", errs.E(errs.NotFound, "no such invitation")
	}
	if s.Status == StatusCancelled || !now.Before(s.EndsAt) {
		return "", errs.E(errs.Gone, "the session is cancelled or over")
	}
	switch answer {
	case "accept":
		if inv.Response == ResponseAccepted || inv.Response == ResponseWaitlisted {
			return "", nil
		}
		inv.RespondedAt = now
		if s.Capacity > 0 && s.Accepted() >= s.Capacity {
			inv.Response = ResponseWaitlisted
			if inv.WaitlistedAt.IsZero() { // else: their place before a reschedule
				inv.WaitlistedAt = now
			}
			return "", nil
		}
		inv.Response, inv.WaitlistedAt = ResponseAccepted, time.Time{}
		return "", nil
	case "decline":
		wasAccepted := inv.Response == ResponseAccepted
		inv.Response, inv.RespondedAt, inv.WaitlistedAt = ResponseDeclined, now, time.Time{}
		if wasAccepted {
			return s.promote(now), nil
		}
		return "", nil
	}
	return "", errs.Field("answer", "must be accept or decline")
}

// promote gives a free place to the longest-waiting waitlisted invitee.
func (s *Session) promote(now time.Time) string {
	if s.Capacity > 0 && s.Accepted() >= s.Capacity {
		return ""
	}
	best := -1
	for i, inv := range s.Invitations {
		if inv.Response == ResponseWaitlisted && (best < 0 || inv.WaitlistedAt.Before(s.Invitations[best].WaitlistedAt)) {
			best = i
		}
	}
	if best < 0 {
		return ""
	}
	s.Invitations[best].Response = ResponseAccepted
	s.Invitations[best].RespondedAt = now
	s.Invitations[best].WaitlistedAt = time.Time{}
	return s.Invitations[best].CollaboratorID
}

// Reschedule is what a change of date or time does to the answers: an
// answer given for the old time does not hold for the new one, so every
// invitation returns to pending — accepted, waitlisted and declined alike —
// and the notice of the change asks each invitee to answer again. Nobody
// holds a place until they accept again; places then go in the order the
// accepts come, and once the session is full a waitlisted invitee of before
// waits at their earlier place (WaitlistedAt is kept), ahead of those who
// join the waitlist later.
func (s *Session) Reschedule() {
	for i := range s.Invitations {
		inv := &s.Invitations[i]
		if inv.Response != ResponseWaitlisted {
			inv.WaitlistedAt = time.Time{}
		}
		inv.Response, inv.RespondedAt = ResponsePending, time.Time{}
	}
}

// SetMark records attendance for one collaborator, replacing an earlier mark.
func (s *Session) SetMark(m Mark) {
	for i := range s.Attendance {
		if s.Attendance[i].CollaboratorID == m.CollaboratorID {
			s.Attendance[i] = m
			return
		}
	}
	s.Attendance = append(s.Attendance, m)
	sort.SliceStable(s.Attendance, func(i, j int) bool { return s.Attendance[i].CollaboratorID < s.Attendance[j].CollaboratorID })
}

// ValidAttendance reports whether st is an attendance status.
func ValidAttendance(st string) bool {
	switch st {
	case AttendPresent, AttendLate, AttendExcused, AttendAbsent:
		return true
	}
	return false
}

// Check-in rules.
const (
	CodePeriod   = time.Minute      // the code changes every minute
	CheckinOpens = 30 * time.Minute // before the start
	LateAfter    = 15 * time.Minute // after the start, a check-in is "late"
)

// CheckinCode is the session's six-digit code for the minute holding at.
func (s *Session) CheckinCode(at time.Time) string {
	step := uint64(at.Unix() / int64(CodePeriod/time.Second))
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], step)
	mac := hmac.New(sha256.New, s.CheckinKey)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	n := binary.BigEndian.Uint32(sum[len(sum)-4:]) % 1_000_000
	return fmt.Sprintf("%06d", n)
}

// CodeValidUntil is when the code shown at `at` stops being accepted (it
// is accepted during its minute and the next, for a slow typist).
func CodeValidUntil(at time.Time) time.Time {
	return at.Truncate(CodePeriod).Add(2 * CodePeriod)
}

// CheckIn marks a collaborator present (late after LateAfter) when the
// code is the current or the previous minute's, the session is open for
// check-in and the collaborator is invited or of the session's district.
// Someone already marked present or late keeps that mark (a second
// check-in, or one after the coordinator's mark, changes nothing: the
// first arrival stands); an absent or excused mark gives way to the
// check-in. Errors: errs.Unprocessable naming what is wrong.
func (s *Session) CheckIn(collaboratorID, areaCode, code string, now time.Time) (Mark, error) {
	if s.Status == StatusCancelled {
		return Mark{}, errs.E(errs.Unprocessable, "the session is cancelled")
	}
	if now.Before(s.StartsAt.Add(-CheckinOpens)) || now.After(s.EndsAt) {
		return Mark{}, errs.Fields(errs.Unprocessable, "check-in is open from 30 minutes before the start to the end",
			[]errs.FieldError{{Field: "code", Message: "check-in is not open now"}})
	}
	_, invited := s.Invitation(collaboratorID)
	if !invited && (s.AreaCode == "" || s.AreaCode != areaCode) {
		return Mark{}, &errs.Error{Kind: errs.Forbidden, Message: "only invitees and collaborators of the session's district may check in"}
	}
	if !hmac.Equal([]byte(code), []byte(s.CheckinCode(now))) && !hmac.Equal([]byte(code), []byte(s.CheckinCode(now.Add(-CodePeriod)))) {
		return Mark{}, errs.Fields(errs.Unprocessable, "the code is wrong or has expired",
			[]errs.FieldError{{Field: "code", Message: "is wrong or has expired"}})
	}
	if prev, ok := s.MarkOf(collaboratorID); ok && (prev.Status == AttendPresent || prev.Status == AttendLate) {
		return prev, nil
	}
	st := AttendPresent
	if now.After(s.StartsAt.Add(LateAfter)) {
		st = AttendLate
	}
	m := Mark{CollaboratorID: collaboratorID, Status: st, MarkedAt: now, MarkedBy: "checkin", WalkIn: !invited}
	s.SetMark(m)
	return m, nil
}

// Overlaps reports whether two time ranges overlap.
func Overlaps(aStart, aEnd, bStart, bEnd time.Time) bool {
	return aStart.Before(bEnd) && bStart.Before(aEnd)
}
