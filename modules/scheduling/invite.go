package scheduling

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
)

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
	Invited        []string `json:"invited"`
	AlreadyInvited int      `json:"already_invited"`
	// Warnings name each new invitee once per other session at that time.
	Warnings []Warning `json:"warnings"`
}

// Conflicted counts the people newly invited who have another session at
// the same time: each once, however many other sessions they have (the
// warnings name one person once per other session).
func (r InviteResult) Conflicted() int {
	seen := map[string]bool{}
	for _, w := range r.Warnings {
		seen[w.CollaboratorID] = true
	}
	return len(seen)
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
		if x.Over(s.d.Clock.Now()) {
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
	sortByName(out, func(v InvitationView) string { return v.Name })
	return out, nil
}

// Invitable lists the active collaborators inside scope not yet invited
// to x, by name: those the session page offers to invite one by one.
func (s *Service) Invitable(ctx context.Context, scope authz.Scope, x Session) ([]Person, error) {
	area := ""
	if scope.Kind == authz.ScopeArea {
		area = scope.AreaCode
	}
	all, err := s.d.Directory.PeopleIn(ctx, area, "")
	if err != nil {
		return nil, err
	}
	var out []Person
	for _, p := range all {
		if _, invited := x.Invitation(p.ID); !invited && reaches(scope, p, true) {
			out = append(out, p)
		}
	}
	sortByName(out, func(p Person) string { return p.Name })
	return out, nil
}
