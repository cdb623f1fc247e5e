package scheduling

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/platform/audit"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/mail"
	"github.com/ctvacademy/academy/modules/platform/storetest"
)

// people is a fixed directory of collaborators.
type people map[string]Person

func (d people) People(_ context.Context, ids []string) (map[string]Person, error) {
	out := map[string]Person{}
	for _, id := range ids {
		if p, ok := d[id]; ok {
			out[id] = p
		}
	}
	return out, nil
}

func (d people) PeopleIn(context.Context, string, string) ([]Person, error) { return nil, nil }
func (d people) AreaExists(context.Context, string) (bool, error)           { return true, nil }

// outboxMailer queues in the real outbox, as the app's adapter does.
type outboxMailer struct{ o *mail.Outbox }

func message(x Mail) mail.Message {
	m := mail.Message{Key: x.Key, To: mail.Address{Email: x.To, Name: x.ToName}, Subject: x.Subject, Text: x.Text, HTML: x.HTML}
	if x.Calendar != "" {
		m.Calendar = &mail.Calendar{Method: x.CalendarMethod, ICS: x.Calendar, Filename: x.CalendarFile}
	}
	return m
}

func (m outboxMailer) Enqueue(ctx context.Context, x Mail) error {
	_, err := m.o.Enqueue(ctx, message(x))
	return err
}

func (m outboxMailer) EnqueueAll(ctx context.Context, xs []Mail) error {
	for _, x := range xs {
		if err := m.Enqueue(ctx, x); err != nil {
			return err
		}
	}
	return nil
}

func (m outboxMailer) Delivery(context.Context, []string) (map[string]string, error) { return nil, nil }
func (m outboxMailer) Check(x Mail) error                                            { return message(x).Validate() }

type anyCourse struct{}

func (anyCourse) Exists(string) bool { return true }

// contentWith is content.FS with every html template of mail/<lang>.yaml
// given a tail.
func contentWith(t *testing.T, tail string) fs.FS {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, lang := range []string{"vi", "en"} {
		b, err := fs.ReadFile(content.FS, "mail/"+lang+".yaml")
		if err != nil {
			t.Fatal(err)
		}
		fsys["mail/"+lang+".yaml"] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(string(b), "  html: |\n", "  html: |\n    "+tail+"\n"))}
	}
	return fsys
}

// A template that fails on every mail stops the start (LoadNotices), not
// every invitation; one that fails only on some session's data fails the
// invitation, the change or the cancellation that would mail it, and
// nothing is recorded or queued.
func TestNoticesThatCannotBeWrittenRecordNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := func() time.Time { return t0.Add(-72 * time.Hour) }
	if _, err := LoadNotices(contentWith(t, "{{ .Nope }}"), "academy@example.vn", "Trung tâm", now, nil); err == nil ||
		!strings.Contains(err.Error(), "mail/vi.yaml invite") || !strings.Contains(err.Error(), "Nope") {
		t.Fatalf("a broken template loads: %v", err)
	}
	notices, err := LoadNotices(contentWith(t, `{{if eq .Title "boom"}}{{ .Nope }}{{end}}`), "academy@example.vn", "Trung tâm", now, nil)
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.New(t)
	clk := clock.NewManual(now())
	box := mail.NewOutbox(db, clk)
	svc := NewService(Deps{Store: NewStore(db), Directory: people{"c1": {ID: "c1", Name: "Nguyễn Văn An", Email: "an@example.vn"}},
		Mailer: outboxMailer{box}, Composer: notices, Courses: anyCourse{}, Audit: audit.New(db, clk.Now), Clock: clk, TokenKey: []byte("k")})
	in := Input{Title: "boom", StartsAt: t0, EndsAt: t0.Add(2 * time.Hour), Location: "Hội trường"}
	xs, err := svc.Create(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Invite(ctx, xs[0].ID, InviteRequest{CollaboratorIDs: []string{"c1"}}); err == nil || errs.KindOf(err) != errs.Internal {
		t.Fatalf("invite to a session whose mail cannot be written: %v", err)
	}
	x, err := svc.d.Store.Get(ctx, xs[0].ID)
	if err != nil || len(x.Invitations) != 0 {
		t.Fatalf("invitations recorded: %+v, %v", x.Invitations, err)
	}
	if list, total, err := box.List(ctx, "", 10, 0); err != nil || total != 0 {
		t.Fatalf("queued: %+v, %v", list, err)
	}
	// A session that can be mailed; then a change and a cancellation whose
	// mails cannot be written change nothing.
	in.Title = "Tập huấn"
	xs, err = svc.Create(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Invite(ctx, xs[0].ID, InviteRequest{CollaboratorIDs: []string{"c1"}}); err != nil {
		t.Fatal(err)
	}
	boom := "boom"
	if _, err := svc.Update(ctx, xs[0].ID, Patch{Title: &boom}, ""); err == nil {
		t.Error("a change whose update mail cannot be written was accepted")
	}
	x, _ = svc.d.Store.Get(ctx, xs[0].ID)
	if x.Title != "Tập huấn" || x.Sequence != 0 {
		t.Errorf("after the refused change: %q, sequence %d", x.Title, x.Sequence)
	}
	if _, total, _ := box.List(ctx, "", 10, 0); total != 1 {
		t.Errorf("%d mails queued, want the one invitation", total)
	}
	// An unusable address is named, and nobody is invited.
	svc.d.Directory = people{"c2": {ID: "c2", Name: "Lê Thị Hoa", Email: "not an address"}}
	_, err = svc.Invite(ctx, xs[0].ID, InviteRequest{CollaboratorIDs: []string{"c2"}})
	var e *errs.Error
	if !errs.Is(err, errs.Unprocessable) || !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "collaborator_ids[0]" {
		t.Fatalf("invite of an unusable address: %v", err)
	}
	if x, _ = svc.d.Store.Get(ctx, xs[0].ID); len(x.Invitations) != 1 {
		t.Errorf("%d invitations after the refusal", len(x.Invitations))
	}
}
