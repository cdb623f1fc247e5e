package scheduling

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/humantext"
)

// Person is a collaborator as scheduling needs them.
type Person struct {
	ID       string
	Code     string
	Name     string
	Email    string
	AreaCode string
	AreaName string
	Role     string
	Language string
}

// Directory finds people; the collaborators module, handed in from cmd.
type Directory interface {
	// People returns the named collaborators that exist (archived ones excluded).
	People(ctx context.Context, ids []string) (map[string]Person, error)
	// PeopleIn lists the active collaborators of an area and/or role.
	PeopleIn(ctx context.Context, areaCode, role string) ([]Person, error)
	AreaExists(ctx context.Context, code string) (bool, error)
}

// Mail is a message for the outbox.
type Mail struct {
	Key            string // idempotency key: enqueueing it twice sends once
	To             string
	ToName         string
	Subject        string
	Text           string
	HTML           string
	Calendar       string // an iCalendar object, or ""
	CalendarMethod string // REQUEST or CANCEL
}

// Mailer queues mail through the outbox and tells how delivery went.
type Mailer interface {
	Enqueue(ctx context.Context, m Mail) error
	// EnqueueAll queues several mails at once, each exactly as Enqueue.
	EnqueueAll(ctx context.Context, ms []Mail) error
	// Delivery returns queued, sent or failed for each key it knows.
	Delivery(ctx context.Context, keys []string) (map[string]string, error)
	// Check tells whether a mail can be queued as it is, without queueing
	// it. Errors: errs.Invalid naming the field (e.g. to.email, subject).
	Check(m Mail) error
}

// Notice kinds.
const (
	NoticeInvite = "invite"
	NoticeUpdate = "update" // place, title or trainer changed: answers kept
	// NoticeReschedule tells of a new date or time and asks to answer again.
	NoticeReschedule = "reschedule"
	NoticeCancel     = "cancel"
	NoticeReminder   = "reminder"
	NoticePromoted   = "promoted"
)

// Composer writes the mail of a notice to a person about a session.
type Composer interface {
	Compose(kind string, s Session, p Person, rsvpURL string) (Mail, error)
}

// CourseCatalog tells whether a course exists.
type CourseCatalog interface {
	Exists(code string) bool
}

// Auditor records changes.
type Auditor interface {
	Record(ctx context.Context, action, entity, entityID string, changes map[string]any) error
}

// Deps are the service's collaborators.
type Deps struct {
	Store     *Store
	Directory Directory
	Mailer    Mailer
	Composer  Composer
	Courses   CourseCatalog
	Audit     Auditor
	Clock     clock.Clock
	Logger    *slog.Logger
	BaseURL   string
	// TokenKey derives RSVP tokens; shared by every process.
	TokenKey []byte
}

// Service schedules sessions.
type Service struct {
	d Deps
	// archiveBooked: KeepBook has written the marks archived sessions
	// left due (it looks there once per process).
	archiveBooked atomic.Bool
}

// NewService returns the scheduling service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.System{}
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	return &Service{d: d}
}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Create schedules a session, or a series when the input has a
// recurrence. Errors: errs.Invalid naming each bad field.
func (s *Service) Create(ctx context.Context, in Input) ([]Session, error) {
	in.normalize()
	fe := in.Validate(s.d.Courses.Exists, s.areaExists(ctx))
	fe = append(fe, checkWindow(&in.StartsAt, &in.EndsAt, s.d.Clock.Now())...)
	if len(fe) > 0 {
		return nil, errs.Fields(errs.Invalid, "the session has problems", fe)
	}
	starts := []time.Time{in.StartsAt}
	series := ""
	if in.Recurrence != "" {
		var err error
		if starts, err = Occurrences(in.Recurrence, in.StartsAt); err != nil {
			return nil, errs.Field("recurrence", "%v", err)
		}
		series = "ser-" + newID()
	}
	length := in.EndsAt.Sub(in.StartsAt)
	out := make([]Session, len(starts))
	for i, st := range starts {
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		out[i] = Session{ID: newID(), SeriesID: series, CourseCode: in.CourseCode, Title: in.Title, StartsAt: st.UTC(),
			EndsAt: st.Add(length).UTC(), Location: in.Location, AreaCode: in.AreaCode, Capacity: in.Capacity,
			Trainer: in.Trainer, Status: StatusScheduled, Recurrence: in.Recurrence, CheckinKey: key}
	}
	if err := s.d.Store.Insert(ctx, out); err != nil {
		return nil, err
	}
	for _, x := range out {
		if err := s.d.Audit.Record(ctx, "session.create", "session", x.ID, map[string]any{"title": x.Title, "starts_at": x.StartsAt, "series": series}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Service) areaExists(ctx context.Context) func(string) bool {
	return func(code string) bool {
		ok, err := s.d.Directory.AreaExists(ctx, code)
		return err == nil && ok
	}
}

// Get returns a session inside scope. Errors: errs.NotFound.
func (s *Service) Get(ctx context.Context, scope authz.Scope, id string) (Session, error) {
	x, err := s.d.Store.Get(ctx, id)
	if err != nil {
		return Session{}, err
	}
	if !sees(scope, x) {
		return Session{}, errs.E(errs.NotFound, "no such session")
	}
	return x, nil
}

// sees reports whether a scope reaches a session: staff all, a team
// leader their district's and the network-wide ones, a collaborator those
// they are invited to or that are for their district.
func sees(scope authz.Scope, x Session) bool {
	switch scope.Kind {
	case authz.ScopeAll:
		return true
	case authz.ScopeArea:
		return x.AreaCode == "" || x.AreaCode == scope.AreaCode
	case authz.ScopeOwn:
		if _, ok := x.Invitation(scope.CollaboratorID); ok {
			return true
		}
		return x.AreaCode != "" && x.AreaCode == scope.AreaCode
	}
	return false
}

// find lists the sessions of a query by start time: the live ones, and
// the archived ones too when the query reaches back past ArchiveAfter
// (sessions starting since then have not ended long enough to move).
func (s *Service) find(ctx context.Context, q Query) ([]Session, error) {
	live, err := s.d.Store.Find(ctx, q)
	if err != nil {
		return nil, err
	}
	if !q.From.IsZero() && !q.From.Before(s.d.Clock.Now().Add(-ArchiveAfter)) {
		return live, nil
	}
	old, err := s.d.Store.FindArchived(ctx, q)
	if err != nil {
		return nil, err
	}
	// A session moved between the two reads is in both.
	seen := make(map[string]bool, len(live))
	for _, x := range live {
		seen[x.ID] = true
	}
	all := live
	for _, x := range old {
		if !seen[x.ID] {
			all = append(all, x)
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].StartsAt.Before(all[j].StartsAt) })
	return all, nil
}

// ArchiveSessions moves the sessions that ended more than ArchiveAfter ago
// out of the live collection and reports how many it moved. A job runs it.
// A session that cannot be moved is logged and left; the others move.
func (s *Service) ArchiveSessions(ctx context.Context) (int, error) {
	cutoff := s.d.Clock.Now().Add(-ArchiveAfter)
	old, err := s.d.Store.Find(ctx, Query{To: cutoff})
	if err != nil {
		return 0, err
	}
	n, bad := 0, 0
	for _, x := range old {
		if !x.EndsAt.Before(cutoff) {
			continue
		}
		moved, err := s.d.Store.Archive(ctx, x.ID)
		if err != nil {
			if ctx.Err() != nil {
				return n, ctx.Err()
			}
			// One session that cannot move stays live; the others go.
			bad++
			s.d.Logger.ErrorContext(ctx, "archiving a session failed", "session", x.ID, "err", err)
			continue
		}
		if moved {
			n++
		}
	}
	if bad > 0 {
		return n, fmt.Errorf("archive: %d sessions could not be moved (see the log); %d were", bad, n)
	}
	return n, nil
}

// List returns the sessions of a query inside scope.
func (s *Service) List(ctx context.Context, scope authz.Scope, q Query) ([]Session, error) {
	all, err := s.find(ctx, q)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, x := range all {
		if sees(scope, x) {
			out = append(out, x)
		}
	}
	return out, nil
}

// Patch changes some fields of a session.
type Patch struct {
	CourseCode *string    `json:"course_code"`
	Title      *string    `json:"title"`
	StartsAt   *time.Time `json:"starts_at"`
	EndsAt     *time.Time `json:"ends_at"`
	Location   *string    `json:"location"`
	AreaCode   *string    `json:"area_code"`
	Capacity   *int       `json:"capacity"`
	Trainer    *string    `json:"trainer"`
}

// Apply scopes of an edit to a series.
const (
	ApplyThis      = "this"
	ApplyFollowing = "following"
)

// Update edits a session, or it and the following occurrences of its
// series. What invitees are told follows one rule (README, "Scheduling"):
// a change of date or time (start or end) returns every answer to pending
// (Session.Reschedule) and mails everyone invited a reschedule notice
// asking to answer again (iCalendar PARTSTAT=NEEDS-ACTION); a change of
// place, title or trainer keeps the answers and mails an update saying
// there is no need to answer again, to all but those who declined, with
// each invitee's own PARTSTAT. Either raises the sequence. A larger
// capacity gives places to the waitlist in order, and mails each promoted
// invitee. Errors: errs.NotFound, errs.Invalid, errs.Unprocessable
// (cancelled, or a capacity below the accepted).
func (s *Service) Update(ctx context.Context, id string, p Patch, apply string) ([]Session, error) {
	first, err := s.d.Store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if apply == "" {
		apply = ApplyThis
	}
	if apply != ApplyThis && apply != ApplyFollowing {
		return nil, errs.Field("apply", "must be this or following")
	}
	if fe := checkWindow(p.StartsAt, p.EndsAt, s.d.Clock.Now()); len(fe) > 0 {
		return nil, errs.Fields(errs.Invalid, "the session has problems", fe)
	}
	targets := []Session{first}
	if apply == ApplyFollowing && first.SeriesID != "" {
		if targets, err = s.find(ctx, Query{SeriesID: first.SeriesID, From: first.StartsAt}); err != nil {
			return nil, err
		}
	}
	// Times move by the same shift for every occurrence.
	shift, length := time.Duration(0), first.EndsAt.Sub(first.StartsAt)
	if p.StartsAt != nil {
		shift = p.StartsAt.Sub(first.StartsAt)
	}
	if p.EndsAt != nil {
		start := first.StartsAt.Add(shift)
		length = p.EndsAt.Sub(start)
	}
	var out []Session
	for _, t := range targets {
		var promoted []string
		updated, err := s.d.Store.Update(ctx, t.ID, func(x *Session) error {
			promoted = nil
			if x.Status == StatusCancelled {
				return errs.E(errs.Unprocessable, "the session is cancelled")
			}
			in := Input{CourseCode: x.CourseCode, Title: x.Title, StartsAt: x.StartsAt.Add(shift), EndsAt: x.StartsAt.Add(shift).Add(length),
				Location: x.Location, AreaCode: x.AreaCode, Capacity: x.Capacity, Trainer: x.Trainer}
			if p.CourseCode != nil {
				in.CourseCode = *p.CourseCode
			}
			if p.Title != nil {
				in.Title = humantext.Line(*p.Title)
			}
			if p.Location != nil {
				in.Location = humantext.Line(*p.Location)
			}
			if p.AreaCode != nil {
				in.AreaCode = strings.ToUpper(strings.TrimSpace(*p.AreaCode))
			}
			if p.Capacity != nil {
				in.Capacity = *p.Capacity
			}
			if p.Trainer != nil {
				in.Trainer = humantext.Line(*p.Trainer)
			}
			if fe := in.Validate(s.d.Courses.Exists, s.areaExists(ctx)); len(fe) > 0 {
				return errs.Fields(errs.Invalid, "the session has problems", fe)
			}
			// A new time frees every place (Reschedule): the capacity then
			// bounds only the accepts to come.
			retimed := !in.StartsAt.Equal(x.StartsAt) || !in.EndsAt.Equal(x.EndsAt)
			if p.Capacity != nil && !retimed && in.Capacity > 0 && in.Capacity < x.Accepted() {
				return errs.Fields(errs.Unprocessable, "more people have accepted than the new capacity",
					[]errs.FieldError{{Field: "capacity", Message: fmt.Sprintf("%d have accepted", x.Accepted())}})
			}
			informed := in.Location != x.Location || in.Title != x.Title || in.Trainer != x.Trainer
			x.CourseCode, x.Title, x.StartsAt, x.EndsAt, x.Location = in.CourseCode, in.Title, in.StartsAt, in.EndsAt, in.Location
			x.AreaCode, x.Capacity, x.Trainer = in.AreaCode, in.Capacity, in.Trainer
			if retimed || informed {
				x.Sequence++
				kind := NoticeUpdate
				if retimed {
					x.Reschedule()
					x.Rescheduled, kind = x.Sequence, NoticeReschedule
				}
				if err := s.rehearse(kind, *x); err != nil {
					return err
				}
			}
			if !in.StartsAt.Equal(t.StartsAt) {
				x.ReminderSent = false
			}
			now := s.d.Clock.Now()
			for id := x.promote(now); id != ""; id = x.promote(now) {
				promoted = append(promoted, id)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if err := s.d.Audit.Record(ctx, "session.update", "session", updated.ID, map[string]any{"apply": apply, "sequence": updated.Sequence}); err != nil {
			return nil, err
		}
		if err := s.notifyLagging(ctx, updated, nil); err != nil {
			return nil, err
		}
		for _, id := range promoted {
			if err := s.notify(ctx, NoticePromoted, updated, id); err != nil {
				return nil, err
			}
		}
		out = append(out, updated)
	}
	return out, nil
}

// Cancel cancels a session (or it and the following ones) and mails a
// cancellation to the invitees. Errors: errs.NotFound, errs.Invalid.
func (s *Service) Cancel(ctx context.Context, id, reason, apply string) ([]Session, error) {
	reason = humantext.Line(reason)
	if reason == "" || len([]rune(reason)) > 500 {
		return nil, errs.Field("reason", "is required, at most 500 characters")
	}
	if humantext.Control(reason, false) { // it goes into every invitee's mail
		return nil, errs.Field("reason", humantext.ControlMessage)
	}
	first, err := s.d.Store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	targets := []Session{first}
	if apply == ApplyFollowing && first.SeriesID != "" {
		if targets, err = s.find(ctx, Query{SeriesID: first.SeriesID, From: first.StartsAt}); err != nil {
			return nil, err
		}
	} else if apply != "" && apply != ApplyThis && apply != ApplyFollowing {
		return nil, errs.Field("apply", "must be this or following")
	}
	var out []Session
	for _, t := range targets {
		x, err := s.d.Store.Update(ctx, t.ID, func(x *Session) error {
			if x.Status == StatusCancelled {
				return nil
			}
			x.Status, x.CancelReason = StatusCancelled, reason
			x.Sequence++
			return s.rehearse(NoticeCancel, *x)
		})
		if err != nil {
			return nil, err
		}
		if err := s.d.Audit.Record(ctx, "session.cancel", "session", x.ID, map[string]any{"reason": reason}); err != nil {
			return nil, err
		}
		if err := s.notifyLagging(ctx, x, nil); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}

// InviteRequest names who to invite: ids, or everyone of an area and/or role.
type InviteRequest struct {
	CollaboratorIDs []string `json:"collaborator_ids"`
	AreaCode        string   `json:"area_code"`
	Role            string   `json:"role" api:"enum=collaborator_role"`
}

// Warning tells of an invitee who has another session at that time.
type Warning struct {
	CollaboratorID string `json:"collaborator_id"`
	SessionID      string `json:"session_id"`
	Message        string `json:"message"`
}

// InviteResult says what an invitation request did.
type InviteResult struct {
	Invited        []string  `json:"invited"`
	AlreadyInvited int       `json:"already_invited"`
	Warnings       []Warning `json:"warnings"`
}

// Invite invites people to a session and queues their invitation mails.
// Inviting someone twice creates nothing new. The mails are written
// before the invitations are recorded: when they cannot be, nothing is.
// Errors: errs.NotFound, errs.Invalid (naming unknown people),
// errs.Unprocessable (over, cancelled, full, or naming people whose
// address cannot be mailed), an internal error when the notice cannot be
// written.
func (s *Service) Invite(ctx context.Context, id string, req InviteRequest) (InviteResult, error) {
	people, err := s.resolve(ctx, req)
	if err != nil {
		return InviteResult{}, err
	}
	ids := make([]string, len(people))
	byID := make(map[string]Person, len(people))
	for i, p := range people {
		ids[i], byID[p.ID] = p.ID, p
	}
	var added []string
	var pre map[string]Mail
	x, err := s.d.Store.Update(ctx, id, func(x *Session) error {
		if !x.EndsAt.After(s.d.Clock.Now()) {
			return errs.E(errs.Unprocessable, "the session is over")
		}
		var err error
		if added, err = x.Invite(ids, s.d.Clock.Now()); err != nil {
			return err
		}
		// The mails first: invitations that cannot be mailed are not recorded.
		pre, err = s.invitationMails(*x, added, byID, req.CollaboratorIDs)
		return err
	})
	if err != nil {
		return InviteResult{}, err
	}
	res := InviteResult{Invited: added, AlreadyInvited: len(ids) - len(added), Warnings: []Warning{}}
	if res.Invited == nil {
		res.Invited = []string{}
	}
	if len(added) > 0 {
		if err := s.d.Audit.Record(ctx, "session.invite", "session", id, map[string]any{"invited": added}); err != nil {
			return res, err
		}
		if res.Warnings, err = s.conflicts(ctx, x, added); err != nil {
			return res, err
		}
	}
	return res, s.notifyLagging(ctx, x, pre)
}

// invitationMails writes the invitations of the newly invited, by key.
// Errors: errs.Unprocessable naming the people whose address cannot be
// mailed; an internal error when the notice cannot be written at all.
func (s *Service) invitationMails(x Session, added []string, people map[string]Person, asked []string) (map[string]Mail, error) {
	out := make(map[string]Mail, len(added))
	var fe []errs.FieldError
	for _, cid := range added {
		m, err := s.compose(NoticeInvite, x, people[cid])
		var ne *noticeError
		switch {
		case err == nil:
			out[m.Key] = m
			continue
		case !errors.As(err, &ne) || !ne.person:
			return nil, fmt.Errorf("session %s: %v", x.ID, err)
		}
		field := "collaborator_ids"
		if i := slices.Index(asked, cid); i >= 0 {
			field = fmt.Sprintf("collaborator_ids[%d]", i)
		}
		fe = append(fe, errs.FieldError{Field: field, Message: fmt.Sprintf("%s (%s) cannot be mailed: %s", people[cid].Name, cid, ne.reason)})
	}
	if len(fe) > 0 {
		return nil, errs.Fields(errs.Unprocessable, "some invitees cannot be mailed; nobody was invited", fe)
	}
	return out, nil
}

func (s *Service) resolve(ctx context.Context, req InviteRequest) ([]Person, error) {
	given := 0
	if len(req.CollaboratorIDs) > 0 {
		given++
	}
	if req.AreaCode != "" || req.Role != "" {
		given++
	}
	if given != 1 {
		return nil, errs.Field("collaborator_ids", "give collaborator_ids, or area_code and/or role")
	}
	if len(req.CollaboratorIDs) > 0 {
		if len(req.CollaboratorIDs) > MaxInvitations {
			return nil, errs.Field("collaborator_ids", "at most %d at once", MaxInvitations)
		}
		found, err := s.d.Directory.People(ctx, req.CollaboratorIDs)
		if err != nil {
			return nil, err
		}
		var fe []errs.FieldError
		var out []Person
		seen := map[string]bool{}
		for i, cid := range req.CollaboratorIDs {
			p, ok := found[cid]
			if !ok {
				fe = append(fe, errs.FieldError{Field: fmt.Sprintf("collaborator_ids[%d]", i), Message: "no such collaborator"})
				continue
			}
			if !seen[cid] {
				seen[cid] = true
				out = append(out, p)
			}
		}
		if len(fe) > 0 {
			return nil, errs.Fields(errs.Invalid, "unknown collaborators; nobody was invited", fe)
		}
		return out, nil
	}
	if req.AreaCode != "" {
		if ok, err := s.d.Directory.AreaExists(ctx, strings.ToUpper(req.AreaCode)); err != nil {
			return nil, err
		} else if !ok {
			return nil, errs.Field("area_code", "is not a known district unit")
		}
	}
	if req.Role != "" && req.Role != authz.RoleCTV && req.Role != authz.RoleTeamLeader {
		return nil, errs.Field("role", "must be ctv or team_leader")
	}
	return s.d.Directory.PeopleIn(ctx, strings.ToUpper(req.AreaCode), req.Role)
}

// conflicts finds the new invitees' other sessions at the same time.
func (s *Service) conflicts(ctx context.Context, x Session, ids []string) ([]Warning, error) {
	near, err := s.find(ctx, Query{From: x.StartsAt.Add(-12 * time.Hour), To: x.EndsAt})
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	out := []Warning{}
	for _, o := range near {
		if o.ID == x.ID || o.Status == StatusCancelled || !Overlaps(x.StartsAt, x.EndsAt, o.StartsAt, o.EndsAt) {
			continue
		}
		for _, inv := range o.Invitations {
			if want[inv.CollaboratorID] && inv.Response != ResponseDeclined {
				out = append(out, Warning{CollaboratorID: inv.CollaboratorID, SessionID: o.ID,
					Message: fmt.Sprintf("also invited to %q at the same time", o.Title)})
			}
		}
	}
	return out, nil
}

// Token returns the RSVP token of an invitation: derived from the shared
// key, so every mail about the session carries the same link and nothing
// that could answer for someone is stored.
func (s *Service) Token(sessionID, collaboratorID string) string {
	mac := hmac.New(sha256.New, s.d.TokenKey)
	mac.Write([]byte("rsvp:" + sessionID + ":" + collaboratorID))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))[:32]
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// RSVPURL is the answer page of an invitation.
func (s *Service) RSVPURL(sessionID, collaboratorID string) string {
	return s.d.BaseURL + "/rsvp/" + s.Token(sessionID, collaboratorID)
}

// DeliveryNotSent is the delivery of an invitation never mailed because
// its session was cancelled first (beside queued, sent and failed).
const DeliveryNotSent = "not_sent"

// DeliveryFailed is the delivery of an invitation whose mail failed: the
// outbox gave up on it, or it could not be written or queued at all.
const DeliveryFailed = "failed"

// InvitationView is an invitation as the API shows it.
type InvitationView struct {
	CollaboratorID string `json:"collaborator_id"`
	Name           string `json:"name"`
	AreaCode       string `json:"area_code"`
	Delivery       string `json:"delivery" api:"enum=delivery"`
	// DeliveryError says why the last notice to the invitee failed.
	DeliveryError string    `json:"delivery_error,omitempty"`
	Response      string    `json:"response" api:"enum=response"`
	RespondedAt   time.Time `json:"responded_at,omitzero"`
}

// Invitations lists a session's invitations inside scope (a team leader
// sees only their district's people, on a network-wide session too) with
// their delivery and response. Errors: errs.NotFound.
func (s *Service) Invitations(ctx context.Context, scope authz.Scope, id string) ([]InvitationView, error) {
	x, err := s.Get(ctx, scope, id)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(x.Invitations))
	for i, inv := range x.Invitations {
		ids[i] = inv.CollaboratorID
	}
	people, err := s.d.Directory.People(ctx, ids)
	if err != nil {
		return nil, err
	}
	var invs []Invitation
	var keys []string // of invitations already queued: the outbox knows them
	for _, inv := range x.Invitations {
		p, ok := people[inv.CollaboratorID]
		if !reaches(scope, p, ok) {
			continue
		}
		invs = append(invs, inv)
		if inv.Notified >= 0 && !inv.Withheld {
			keys = append(keys, NoticeKey(NoticeInvite, x, inv.CollaboratorID))
		}
	}
	delivery, err := s.d.Mailer.Delivery(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make([]InvitationView, len(invs))
	for i, inv := range invs {
		d := delivery[NoticeKey(NoticeInvite, x, inv.CollaboratorID)]
		switch {
		case inv.Failure != "":
			d = DeliveryFailed // the notice never reached the outbox
		case inv.Withheld:
			d = DeliveryNotSent
		case inv.Notified < 0 || d == "":
			d = "queued"
		}
		p := people[inv.CollaboratorID]
		out[i] = InvitationView{CollaboratorID: inv.CollaboratorID, Name: p.Name, AreaCode: p.AreaCode, Delivery: d,
			DeliveryError: inv.Failure, Response: inv.Response, RespondedAt: inv.RespondedAt}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// NoticeKey is the outbox key of a notice: the invitation is sent once per
// invitee; every other notice once per invitee and session sequence.
func NoticeKey(kind string, x Session, collaboratorID string) string {
	if kind == NoticeInvite {
		return fmt.Sprintf("%s:%s:%s", kind, x.ID, collaboratorID)
	}
	return fmt.Sprintf("%s:%s:%s:%d", kind, x.ID, collaboratorID, x.Sequence)
}
