package demo_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/demo"
	"github.com/ctvacademy/academy/modules/scheduling"
)

// The demo's sample is the same for the same people, clock and seed, lies
// on the right side of now, and keeps the rules the services keep: every
// invitee of a session over is marked, nobody answers after now, a course
// is tried at most max_attempts times and never again after a pass, and a
// session's accepts fit its capacity.
func TestSampleIsDeterministicAndKeepsTheRules(t *testing.T) {
	t.Parallel()
	n, people := network(t)
	cat, probs := courses.Load(content.FS)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	sessions, attempts := demo.Sample(people, n.Areas, cat.Courses(), "u-coord", now, demo.Seed)
	s2, a2 := demo.Sample(people, n.Areas, cat.Courses(), "u-coord", now, demo.Seed)
	if !reflect.DeepEqual(sessions, s2) || !reflect.DeepEqual(attempts, a2) {
		t.Error("two samples with the same seed differ")
	}
	if s3, _ := demo.Sample(people, n.Areas, cat.Courses(), "u-coord", now, demo.Seed+1); reflect.DeepEqual(sessions, s3) {
		t.Error("another seed gives the same sessions")
	}
	over, toCome := 0, 0
	for _, x := range sessions {
		if len(x.Invitations) == 0 {
			t.Errorf("session %s invites nobody", x.ID)
		}
		if x.Capacity > 0 && x.Accepted() > x.Capacity {
			t.Errorf("session %s: %d accepted, capacity %d", x.ID, x.Accepted(), x.Capacity)
		}
		for _, inv := range x.Invitations {
			if inv.InvitedAt.After(now) || inv.RespondedAt.After(now) || inv.Notified != 0 {
				t.Errorf("session %s: invitation %+v", x.ID, inv)
			}
		}
		switch {
		case x.EndsAt.Before(now):
			over++
			if len(x.Attendance) != len(x.Invitations) || !x.ReminderSent {
				t.Errorf("session %s over: %d marks for %d invitees", x.ID, len(x.Attendance), len(x.Invitations))
			}
		case x.StartsAt.After(now.Add(48 * time.Hour)):
			toCome++
			if len(x.Attendance) != 0 {
				t.Errorf("session %s to come has marks", x.ID)
			}
		default:
			t.Errorf("session %s starts %s: within two days of now", x.ID, x.StartsAt)
		}
		if x.Status != scheduling.StatusScheduled {
			t.Errorf("session %s status %s", x.ID, x.Status)
		}
	}
	if over < 10 || toCome < 5 {
		t.Errorf("%d sessions over, %d to come", over, toCome)
	}
	tries := map[string]int{}
	passed := map[string]bool{}
	for _, a := range attempts {
		key := a.CollaboratorID + ":" + a.CourseCode
		if passed[key] {
			t.Errorf("%s tried again after passing", a.ID)
		}
		tries[key]++
		c, _ := cat.Course(a.CourseCode)
		if a.N != tries[key] || a.N > c.Quiz.MaxAttempts || !a.SubmittedAt.Before(now) || a.Status != "graded" {
			t.Errorf("attempt %s: n %d (try %d of %d), submitted %s, %s", a.ID, a.N, tries[key], c.Quiz.MaxAttempts, a.SubmittedAt, a.Status)
		}
		passed[key] = a.Passed
	}
	if len(attempts) < 30 {
		t.Errorf("only %d attempts", len(attempts))
	}
}

// network is the demo network and its people as the registry holds them
// (ids c000, c001… in the file's order).
func network(t *testing.T) (demo.Network, []collaborators.Collaborator) {
	t.Helper()
	n, err := demo.Read(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	people := make([]collaborators.Collaborator, len(n.Collaborators))
	for i, p := range n.Collaborators {
		people[i] = collaborators.Collaborator{ID: fmt.Sprintf("c%03d", i), Code: p.Code, FullName: p.FullName, Email: p.Email,
			Role: p.Role, AreaCode: p.AreaCode, Contract: collaborators.Contract(p.Contract)}
	}
	return n, people
}
