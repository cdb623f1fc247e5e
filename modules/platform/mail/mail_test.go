package mail_test

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/mail"
	"github.com/ctvacademy/academy/modules/platform/mail/mailtest"
	"github.com/ctvacademy/academy/modules/platform/store"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var (
	t0    = time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)
	quiet = slog.New(slog.DiscardHandler)
	from  = mail.Address{Email: "khuyencong@ctv.example.vn", Name: "Trung tâm Khuyến công"}
)

const subject = "Thư mời tập huấn: Chính sách khuyến công"

const ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//CTV Academy//VI\r\nMETHOD:REQUEST\r\n" +
	"BEGIN:VEVENT\r\nUID:session-42@ctv.example.vn\r\nSEQUENCE:0\r\nDTSTAMP:20261102T010000Z\r\n" +
	"DTSTART:20261110T013000Z\r\nDTEND:20261110T043000Z\r\nSUMMARY:Tập huấn: Chính sách khuyến công\r\n" +
	"LOCATION:Hội trường UBND TP Biên Hòa\r\n" +
	"ORGANIZER;CN=Trung tâm Khuyến công:mailto:khuyencong@ctv.example.vn\r\n" +
	"ATTENDEE;CN=Nguyễn Văn An;RSVP=TRUE:mailto:an.nguyen@bienhoa.example.vn\r\n" +
	"END:VEVENT\r\nEND:VCALENDAR\r\n"

func invitation(key string) mail.Message {
	return mail.Message{
		Key:     key,
		To:      mail.Address{Email: "an.nguyen@bienhoa.example.vn", Name: "Nguyễn Văn An"},
		Subject: subject,
		Text:    "Kính gửi anh Nguyễn Văn An,\n\nTrung tâm trân trọng kính mời anh tham dự lớp tập huấn ngày 10/11/2026.\n",
		HTML:    "<p>Kính gửi anh <b>Nguyễn Văn An</b>,</p><p>Trung tâm trân trọng kính mời anh tham dự lớp tập huấn ngày 10/11/2026.</p>",
	}
}

// env is one test's store, outbox, clock and SMTP server.
type env struct {
	ctx    context.Context
	db     *mongo.Database
	clk    *clock.Manual
	box    *mail.Outbox
	srv    *mailtest.Server
	sender *mail.SMTPSender
}

func newEnv(t *testing.T) *env { return newEnvIn(t, storetest.New(t)) }

// eachEnv runs test in each store mode (the embedded store's path and
// MongoDB's), on a fresh env each.
func eachEnv(t *testing.T, test func(t *testing.T, e *env)) {
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) { test(t, newEnvIn(t, db)) })
}

func newEnvIn(t *testing.T, db *mongo.Database) *env {
	t.Helper()
	ctx := context.Background()
	if err := store.EnsureIndexes(ctx, db, mail.Indexes()); err != nil {
		t.Fatal(err)
	}
	clk := clock.NewManual(t0)
	srv := mailtest.New(t)
	sender, err := mail.NewSMTPSender(srv.URL(), mail.SMTPOptions{From: from})
	if err != nil {
		t.Fatal(err)
	}
	return &env{ctx: ctx, db: db, clk: clk, box: mail.NewOutbox(db, clk), srv: srv, sender: sender}
}

func (e *env) worker(opts mail.WorkerOptions) *mail.Worker {
	if opts.Logger == nil {
		opts.Logger = quiet
	}
	if opts.SendTimeout == 0 {
		opts.SendTimeout = 5 * time.Second
	}
	return mail.NewWorker(e.box, e.sender, e.clk, opts)
}

func (e *env) enqueue(t *testing.T, m mail.Message) string {
	t.Helper()
	id, err := e.box.Enqueue(e.ctx, m)
	if err != nil {
		t.Fatalf("Enqueue(%q): %v", m.Key, err)
	}
	return id
}

// enqueueN queues n invitations keyed format(i), in one EnqueueMany.
func (e *env) enqueueN(t *testing.T, format string, n int) {
	t.Helper()
	ms := make([]mail.Message, n)
	for i := range ms {
		ms[i] = invitation(fmt.Sprintf(format, i))
	}
	if _, err := e.box.EnqueueMany(e.ctx, ms); err != nil {
		t.Fatal(err)
	}
}

func (e *env) runOnce(t *testing.T, w *mail.Worker) {
	t.Helper()
	if err := w.RunOnce(e.ctx); err != nil {
		t.Fatal(err)
	}
}

func (e *env) status(t *testing.T, id string) mail.Delivery {
	t.Helper()
	d, err := e.box.Status(e.ctx, id)
	if err != nil {
		t.Fatalf("Status(%q): %v", id, err)
	}
	return d
}

// deliveredOnce checks that n distinct messages arrived, each once.
func (e *env) deliveredOnce(t *testing.T, n int) {
	t.Helper()
	counts := e.srv.CountByID()
	if len(counts) != n {
		t.Fatalf("%d distinct messages arrived, want %d", len(counts), n)
	}
	for id, c := range counts {
		if c != 1 {
			t.Errorf("%s arrived %d times", id, c)
		}
	}
}

func (e *env) count(t *testing.T, coll string) int64 {
	t.Helper()
	n, err := e.db.Collection(coll).CountDocuments(e.ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func lf(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

func partOf(t *testing.T, r mailtest.Received, mediaType string) mailtest.Part {
	t.Helper()
	for _, p := range r.Parts {
		if p.MediaType == mediaType {
			return p
		}
	}
	t.Fatalf("no %s mailtest.Part among %d", mediaType, len(r.Parts))
	return mailtest.Part{}
}

// checkInvitation asserts what a mail client would show of the invitation.
func checkInvitation(t *testing.T, r mailtest.Received, id string, m mail.Message) {
	t.Helper()
	if r.Subject != subject {
		t.Errorf("subject %q, want %q", r.Subject, subject)
	}
	if want := mail.MessageID(id, from); r.MessageID != want {
		t.Errorf("Message-ID %q, want %q", r.MessageID, want)
	}
	fromList, err := r.Header.AddressList("From")
	if err != nil || len(fromList) != 1 || fromList[0].Name != from.Name || fromList[0].Address != from.Email {
		t.Errorf("From %v %v", fromList, err)
	}
	to, err := r.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != m.To.Name || to[0].Address != m.To.Email {
		t.Errorf("To %v %v", to, err)
	}
	if d, err := r.Header.Date(); err != nil || !d.Equal(t0) {
		t.Errorf("Date %v %v, want the enqueue time %v", d, err, t0)
	}
	if got := lf(partOf(t, r, "text/plain").Body); got != m.Text {
		t.Errorf("text mailtest.Part %q", got)
	}
	if got := lf(partOf(t, r, "text/html").Body); got != m.HTML {
		t.Errorf("HTML mailtest.Part %q", got)
	}
	if m.Calendar == nil {
		if len(r.Parts) != 2 {
			t.Errorf("%d parts, want text and HTML", len(r.Parts))
		}
		return
	}
	cal := partOf(t, r, "text/calendar")
	if cal.Params["method"] != m.Calendar.Method || cal.Filename != "" {
		t.Errorf("calendar mailtest.Part %q (file %q)", cal.ContentType, cal.Filename)
	}
	if lf(cal.Body) != lf(m.Calendar.ICS) {
		t.Errorf("calendar mailtest.Part body %q", cal.Body)
	}
	att := partOf(t, r, "application/ics")
	if want := cmp.Or(m.Calendar.Filename, mail.CalendarFilename(m.Calendar.Method)); att.Filename != want || att.Body != m.Calendar.ICS {
		t.Errorf("attachment %q %q: %q", att.ContentType, att.Filename, att.Body)
	}
}

func TestInvitationArrivesWithVietnameseSubjectPartsAndCalendar(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var mu sync.Mutex
	var done []mail.Delivery
	w := e.worker(mail.WorkerOptions{OnDone: func(_ context.Context, d mail.Delivery) {
		mu.Lock()
		defer mu.Unlock()
		done = append(done, d)
	}})
	invite := invitation("invite:session-42:an")
	invite.Calendar = &mail.Calendar{Method: "REQUEST", ICS: ics}
	inviteID := e.enqueue(t, invite)
	if inviteID != invite.Key {
		t.Fatalf("id %q, want the key %q", inviteID, invite.Key)
	}
	if d := e.status(t, inviteID); d.Status != mail.Queued || d.Attempts != 0 || !d.QueuedAt.Equal(t0) {
		t.Fatalf("queued: %+v", d)
	}
	note := invitation("note:session-42:an")
	noteID := e.enqueue(t, note)

	e.runOnce(t, w)
	got := map[string]mailtest.Received{}
	for _, r := range e.srv.Messages() {
		got[r.MessageID] = r
	}
	if len(got) != 2 {
		t.Fatalf("%d messages arrived, want 2", len(e.srv.Messages()))
	}
	if r, ok := got[mail.MessageID(inviteID, from)]; !ok {
		t.Errorf("no message with Message-ID %s among %v", mail.MessageID(inviteID, from), e.srv.SeenIDs())
	} else {
		checkInvitation(t, r, inviteID, invite)
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/mixed") {
			t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
		}
	}
	if r, ok := got[mail.MessageID(noteID, from)]; ok {
		checkInvitation(t, r, noteID, note)
	}
	for _, id := range []string{inviteID, noteID} {
		if d := e.status(t, id); d.Status != mail.Sent || d.Attempts != 1 || !d.SentAt.Equal(t0) {
			t.Errorf("after delivery: %+v", d)
		}
	}
	if e.count(t, mail.OutboxCollection) != 0 || e.count(t, mail.SentCollection) != 2 {
		t.Errorf("delivered messages stay live")
	}
	mu.Lock()
	if len(done) != 2 || done[0].Status != mail.Sent || done[1].Status != mail.Sent {
		t.Errorf("OnDone saw %+v", done)
	}
	mu.Unlock()
}

func TestSMTPDownWhile200AreQueuedThenAllDeliveredOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.srv.Stop()
	const n = 200
	e.enqueueN(t, "bulk:%03d", n)
	w := e.worker(mail.WorkerOptions{Concurrency: 8})
	attempts := func() (sum int) {
		t.Helper()
		items, total, err := e.box.List(e.ctx, mail.Queued, 1000, 0)
		if err != nil || total != n {
			t.Fatalf("%d queued, want %d (%v)", total, n, err)
		}
		for _, d := range items {
			if d.Sending || (d.Attempts > 0) != (d.LastError != "") {
				t.Fatalf("%+v", d)
			}
			sum += d.Attempts
		}
		return sum
	}
	// The first run tries at most a round of parallel sends, then pauses
	// rather than trying all 200 against a dead server.
	e.runOnce(t, w)
	tried := attempts()
	if tried < 1 || tried > 8 {
		t.Fatalf("%d attempts in the first run, want 1–8", tried)
	}
	e.runOnce(t, w)
	if got := attempts(); got != tried {
		t.Fatalf("%d attempts during the pause", got-tried)
	}
	// Then it keeps retrying, one probe each time its pause ends.
	for round := 2; round <= 4; round++ {
		e.clk.Advance(time.Hour) // longer than any pause
		start := time.Now()
		e.runOnce(t, w)
		t.Logf("run %d with the server down: %v", round, time.Since(start))
		if got := attempts(); got != tried+1 {
			t.Fatalf("run %d: %d attempts, want 1", round, got-tried)
		}
		tried++
	}
	if len(e.srv.SeenIDs()) != 0 {
		t.Fatal("the stopped server mailtest.Received mail")
	}
	e.clk.Advance(time.Hour)
	e.srv.Start()
	start := time.Now()
	e.runOnce(t, w)
	t.Logf("delivering %d after the server came back: %v", n, time.Since(start))
	e.deliveredOnce(t, n)
	if _, total, _ := e.box.List(e.ctx, mail.Sent, 10, 0); total != n {
		t.Errorf("%d archived", total)
	}
	if e.count(t, mail.OutboxCollection) != 0 {
		t.Errorf("live outbox not empty")
	}
	e.clk.Advance(24 * time.Hour)
	e.runOnce(t, w)
	if got := len(e.srv.Messages()); got != n {
		t.Errorf("%d messages after one more run, want %d", got, n)
	}
}

func TestTemporaryFailureThenAcceptedIsDeliveredOnceWithTheSameMessageID(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.srv.FailNext(1, "data", 451)
	w := e.worker(mail.WorkerOptions{})
	id := e.enqueue(t, invitation("invite:s7:an"))
	e.runOnce(t, w)
	d := e.status(t, id)
	if d.Status != mail.Queued || d.Attempts != 1 || !strings.Contains(d.LastError, "451") {
		t.Fatalf("after a 451: %+v", d)
	}
	if wait := d.NextAttemptAt.Sub(t0); wait < 5*time.Second || wait > 10*time.Second {
		t.Errorf("first retry after %v, want 5–10 s", wait)
	}
	e.runOnce(t, w) // not due yet
	if len(e.srv.SeenIDs()) != 1 {
		t.Fatalf("retried before its backoff: %v", e.srv.SeenIDs())
	}
	e.clk.Advance(10 * time.Second)
	e.runOnce(t, w)
	seen := e.srv.SeenIDs()
	want := mail.MessageID(id, from)
	if len(seen) != 2 || seen[0] != want || seen[1] != want {
		t.Errorf("Message-IDs of the attempts %v, want %s twice", seen, want)
	}
	if c := e.srv.CountByID(); len(c) != 1 || c[want] != 1 {
		t.Errorf("accepted %v", c)
	}
	if d := e.status(t, id); d.Status != mail.Sent || d.Attempts != 2 {
		t.Errorf("after delivery: %+v", d)
	}
}

func TestPermanentFailureIsFailedAndNotRetried(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.srv.FailNext(1, "rcpt", 550)
	var failed atomic.Int32
	w := e.worker(mail.WorkerOptions{OnDone: func(_ context.Context, d mail.Delivery) {
		if d.Status == mail.Failed {
			failed.Add(1)
		}
	}})
	m := invitation("invite:s8:an")
	id := e.enqueue(t, m)
	e.runOnce(t, w)
	d := e.status(t, id)
	if d.Status != mail.Failed || d.Attempts != 1 || !strings.Contains(d.LastError, "550") || !d.FailedAt.Equal(t0) {
		t.Fatalf("after a 550: %+v", d)
	}
	if failed.Load() != 1 {
		t.Errorf("OnDone saw %d failures", failed.Load())
	}
	e.clk.Advance(48 * time.Hour)
	e.runOnce(t, w)
	if n := e.srv.RcptCount(m.To.Email); n != 1 {
		t.Errorf("%d attempts at the server, want 1", n)
	}
	if d := e.status(t, id); d.Status != mail.Failed || d.Attempts != 1 {
		t.Errorf("a failed message changed: %+v", d)
	}
	if items, total, err := e.box.List(e.ctx, mail.Failed, 10, 0); err != nil || total != 1 || items[0].ID != id {
		t.Errorf("failed list %v %d %v", items, total, err)
	}

	// A coordinator retries it.
	if err := e.box.Retry(e.ctx, id); err != nil {
		t.Fatal(err)
	}
	if d := e.status(t, id); d.Status != mail.Queued || d.Attempts != 0 {
		t.Errorf("after Retry: %+v", d)
	}
	if err := e.box.Retry(e.ctx, id); !errs.Is(err, errs.Conflict) {
		t.Errorf("Retry of a queued message: %v", err)
	}
	e.runOnce(t, w)
	if d := e.status(t, id); d.Status != mail.Sent || d.Attempts != 1 {
		t.Errorf("after the retry: %+v", d)
	}
	if err := e.box.Retry(e.ctx, id); !errs.Is(err, errs.Conflict) {
		t.Errorf("Retry of a sent message: %v", err)
	}
	if err := e.box.Retry(e.ctx, "no-such-message"); !errs.Is(err, errs.NotFound) {
		t.Errorf("Retry of an unknown message: %v", err)
	}
}

// crashSender delivers, and on its nth message kills its worker right after
// the server accepted it, before the worker could record the delivery.
type crashSender struct {
	inner   mail.Sender
	n       int32
	count   atomic.Int32
	kill    context.CancelFunc
	crashed atomic.Value // the ID sent before the crash
}

func (c *crashSender) Send(ctx context.Context, m mail.Message) error {
	err := c.inner.Send(ctx, m)
	if c.count.Add(1) == c.n {
		c.crashed.Store(m.ID)
		c.kill()
		return context.Canceled
	}
	return err
}

// crashWhileSending queues n invitations to session and runs a worker
// (one at a time, one batch) that dies just after sending the k-th: the
// rest of its batch stays leased to it. It returns the id of the k-th.
func (e *env) crashWhileSending(t *testing.T, session string, n, k int) string {
	t.Helper()
	e.enqueueN(t, "invite:"+session+":%02d", n)
	ctx, kill := context.WithCancel(e.ctx)
	defer kill()
	crash := &crashSender{inner: e.sender, n: int32(k), kill: kill}
	a := mail.NewWorker(e.box, crash, e.clk, mail.WorkerOptions{Concurrency: 1, Batch: n, Logger: quiet})
	if err := a.RunOnce(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("the killed worker returned %v", err)
	}
	return crash.crashed.Load().(string)
}

func TestWorkerKilledAfterSendingIsSentAgainWithTheSameMessageID(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		const n = 10
		crashed := e.crashWhileSending(t, "s9", n, 3)
		if got := len(e.srv.Messages()); got != 3 {
			t.Fatalf("%d messages before the crash, want 3", got)
		}
		if d := e.status(t, crashed); d.Status != mail.Queued || !d.Sending || d.Attempts != 1 {
			t.Fatalf("the message sent just before the crash: %+v", d)
		}

		// Another process: nothing while the dead worker's leases hold…
		b := e.worker(mail.WorkerOptions{})
		e.runOnce(t, b)
		if got := len(e.srv.Messages()); got != 3 {
			t.Fatalf("%d messages sent under a live lease", got)
		}
		// …everything once they lapse.
		e.clk.Advance(mail.DefaultLease + time.Second)
		e.runOnce(t, b)
		counts := e.srv.CountByID()
		if len(counts) != n {
			t.Fatalf("%d distinct messages, want %d: some were lost", len(counts), n)
		}
		// The crashed one arrives twice with the same Message-ID. So may those
		// sent just before it, whose delivery the killed worker had not yet
		// recorded; every other message arrives once.
		if c := counts[mail.MessageID(crashed, from)]; c != 2 {
			t.Errorf("the message sent at the crash arrived %d times, want 2", c)
		}
		beforeCrash := map[string]bool{}
		for _, r := range e.srv.Messages()[:3] {
			beforeCrash[r.MessageID] = true
		}
		for id, c := range counts {
			if c != 1 && !(c == 2 && beforeCrash[id]) {
				t.Errorf("%s arrived %d times", id, c)
			}
		}
		if d := e.status(t, crashed); d.Status != mail.Sent || d.Attempts != 2 {
			t.Errorf("after the takeover: %+v", d)
		}
		if e.count(t, mail.OutboxCollection) != 0 || e.count(t, mail.SentCollection) != n {
			t.Errorf("live %d, archived %d", e.count(t, mail.OutboxCollection), e.count(t, mail.SentCollection))
		}
	})
}

func TestEnqueueTwiceCreatesOneMessage(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		m := invitation("invite:s10:an")
		var wg sync.WaitGroup
		for i := 0; i < 10; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id, err := e.box.Enqueue(e.ctx, m)
				if err != nil || id != m.Key {
					t.Errorf("Enqueue: %q %v", id, err)
				}
			}()
		}
		wg.Wait()
		if got := e.count(t, mail.OutboxCollection); got != 1 {
			t.Fatalf("%d messages queued, want 1", got)
		}
		w := e.worker(mail.WorkerOptions{})
		e.runOnce(t, w)
		// Enqueueing it again once it was delivered and archived creates nothing either.
		if id, err := e.box.Enqueue(e.ctx, m); err != nil || id != m.Key {
			t.Fatalf("Enqueue after delivery: %q %v", id, err)
		}
		e.clk.Advance(time.Hour)
		e.runOnce(t, w)
		if got := len(e.srv.Messages()); got != 1 {
			t.Errorf("%d messages arrived, want 1", got)
		}
		if got := e.count(t, mail.OutboxCollection); got != 0 {
			t.Errorf("%d messages live", got)
		}

		// Without a key each message is new.
		m.Key = ""
		a, errA := e.box.Enqueue(e.ctx, m)
		b, errB := e.box.Enqueue(e.ctx, m)
		if errA != nil || errB != nil || a == b || a == "" {
			t.Errorf("keyless: %q %q %v %v", a, b, errA, errB)
		}

		bad := invitation("bad")
		bad.To.Email = "not an address"
		if _, err := e.box.Enqueue(e.ctx, bad); !errs.Is(err, errs.Invalid) {
			t.Errorf("bad address: %v", err)
		}
		bad = invitation("bad")
		bad.ID = "other"
		if _, err := e.box.Enqueue(e.ctx, bad); !errs.Is(err, errs.Invalid) {
			t.Errorf("an ID other than the key: %v", err)
		}
		bad = invitation("bad")
		bad.Calendar = &mail.Calendar{Method: "INVITE", ICS: ics}
		if _, err := e.box.Enqueue(e.ctx, bad); !errs.Is(err, errs.Invalid) {
			t.Errorf("bad calendar method: %v", err)
		}
		for _, name := range []string{"hủy.ics", "huy tap huan.ics", "../huy.ics", "huy.txt", "Huy.ics"} {
			bad = invitation("bad")
			bad.Calendar = &mail.Calendar{Method: "CANCEL", ICS: ics, Filename: name}
			if _, err := e.box.Enqueue(e.ctx, bad); !errs.OnField(err, errs.Invalid, "calendar.filename") {
				t.Errorf("attachment name %q: %v", name, err)
			}
		}
	})
}

// A calendar attachment is named for what it is: the name the message
// gives, else one said by its method; a cancellation was invite.ics.
func TestCalendarAttachmentIsNamedForWhatItIs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.worker(mail.WorkerOptions{})
	want := map[string]string{}
	for key, c := range map[string]mail.Calendar{
		"cancel:named":   {Method: "CANCEL", ICS: ics, Filename: "huy-tap-huan.ics"},
		"cancel:unnamed": {Method: "CANCEL", ICS: ics},
		"request:plain":  {Method: "REQUEST", ICS: ics},
	} {
		m := invitation(key)
		m.Calendar = &c
		want[mail.MessageID(e.enqueue(t, m), from)] = map[string]string{"cancel:named": "huy-tap-huan.ics", "cancel:unnamed": "huy-lich.ics", "request:plain": "lich-moi.ics"}[key]
	}
	e.runOnce(t, w)
	got := e.srv.Messages()
	if len(got) != len(want) {
		t.Fatalf("%d messages arrived, want %d", len(got), len(want))
	}
	for _, r := range got {
		att := partOf(t, r, "application/ics")
		if att.Filename != want[r.MessageID] || att.Body != ics {
			t.Errorf("%s: attachment %q, want %q", r.MessageID, att.Filename, want[r.MessageID])
		}
	}
}

func TestTwoWorkersNeverSendTheSameMessageTwice(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.srv.SetDelay(0, 2*time.Millisecond)
		const n = 80
		e.enqueueN(t, "fanout:%02d", n)
		workers := []*mail.Worker{e.worker(mail.WorkerOptions{Batch: 8}), e.worker(mail.WorkerOptions{Batch: 8})}
		var wg sync.WaitGroup
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := workers[i%2].RunOnce(e.ctx); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		e.deliveredOnce(t, n)
		if n := e.srv.OverlapCount(); n != 0 {
			t.Errorf("%d messages sent at once by two workers", n)
		}
	})
}

func TestSlowServerTimesOutAndIsRetried(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.srv.SetDelay(3*time.Second, 0)
	w := e.worker(mail.WorkerOptions{SendTimeout: 200 * time.Millisecond})
	id := e.enqueue(t, invitation("invite:s11:an"))
	start := time.Now()
	e.runOnce(t, w)
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("an attempt took %v with a 200 ms send timeout", el)
	}
	if d := e.status(t, id); d.Status != mail.Queued || d.Attempts != 1 || d.LastError == "" {
		t.Fatalf("after a timeout: %+v", d)
	}
	e.srv.SetDelay(0, 0)
	e.clk.Advance(time.Hour)
	e.runOnce(t, w)
	if c := e.srv.CountByID(); len(c) != 1 || c[mail.MessageID(id, from)] != 1 {
		t.Errorf("accepted %v", c)
	}
}

// Start delivers what Enqueue queues without waiting for a poll, and Stop
// waits for the send in flight.
func TestStartedWorkerDeliversAndStops(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.worker(mail.WorkerOptions{Poll: time.Hour})
	w.Start(e.ctx)
	id := e.enqueue(t, invitation("invite:s12:an"))
	deadline := time.Now().Add(5 * time.Second)
	for len(e.srv.Messages()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	e.srv.SetDelay(0, 100*time.Millisecond)
	id2 := e.enqueue(t, invitation("invite:s12:binh"))
	for len(e.srv.SeenIDs()) < 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	w.Stop()
	for _, id := range []string{id, id2} {
		if d := e.status(t, id); d.Status != mail.Sent {
			t.Errorf("%s: %+v", id, d)
		}
	}
}

func TestDropSenderWritesParseableEML(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	dir := filepath.Join(t.TempDir(), "mail")
	drop, err := mail.NewDropSender(dir, from)
	if err != nil {
		t.Fatal(err)
	}
	m := invitation("invite:s/13:an")
	m.Calendar = &mail.Calendar{Method: "REQUEST", ICS: ics}
	id := e.enqueue(t, m)
	w := mail.NewWorker(e.box, drop, e.clk, mail.WorkerOptions{Logger: quiet})
	e.runOnce(t, w)
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 || !strings.HasSuffix(entries[0].Name(), ".eml") {
		t.Fatalf("drop directory: %v %v", entries, err)
	}
	if filepath.Join(dir, entries[0].Name()) != drop.Path(id) {
		t.Errorf("file %s, want %s", entries[0].Name(), drop.Path(id))
	}
	raw, err := os.ReadFile(drop.Path(id))
	if err != nil {
		t.Fatal(err)
	}
	r, err := mailtest.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	checkInvitation(t, r, id, m)
	if d := e.status(t, id); d.Status != mail.Sent {
		t.Errorf("%+v", d)
	}
}

func TestListPagesTheOutbox(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, k := range []string{"ok:1", "ok:2", "fail:1", "temp:1", "temp:2"} {
		e.enqueue(t, invitation(k))
		e.clk.Advance(time.Second)
	}
	fake := senderFunc(func(_ context.Context, m mail.Message) error {
		switch {
		case strings.HasPrefix(m.ID, "fail"):
			return mail.Permanent(errors.New("550 no such user"))
		case strings.HasPrefix(m.ID, "temp"):
			return errors.New("connection refused")
		}
		return nil
	})
	e.runOnce(t, mail.NewWorker(e.box, fake, e.clk, mail.WorkerOptions{Logger: quiet}))
	for status, want := range map[mail.Status][]string{"": {"temp:2", "temp:1", "fail:1"}, mail.Queued: {"temp:2", "temp:1"},
		mail.Failed: {"fail:1"}, mail.Sent: {"ok:1", "ok:2"}} {
		items, total, err := e.box.List(e.ctx, status, 0, 0)
		if err != nil || total != len(want) || len(items) != len(want) {
			t.Errorf("List(%q): %d of %d, %v", status, len(items), total, err)
			continue
		}
		if status != mail.Sent { // sent at the same clock time: any order
			for i, d := range items {
				if d.ID != want[i] {
					t.Errorf("List(%q)[%d] = %s, want %s (newest first)", status, i, d.ID, want[i])
				}
			}
		}
	}
	st, err := e.box.Statuses(e.ctx, []string{"ok:1", "fail:1", "temp:1", "temp:2"})
	if err != nil || len(st) != 4 || st["ok:1"] != mail.Sent || st["fail:1"] != mail.Failed || st["temp:1"] != mail.Queued || st["temp:2"] != mail.Queued {
		t.Errorf("Statuses: %v %v", st, err)
	}
	items, total, err := e.box.List(e.ctx, mail.Queued, 1, 1)
	if err != nil || total != 2 || len(items) != 1 || items[0].ID != "temp:1" {
		t.Errorf("page 2 of queued: %+v %d %v", items, total, err)
	}
	if _, _, err := e.box.List(e.ctx, "bogus", 0, 0); !errs.Is(err, errs.Invalid) {
		t.Errorf("unknown status: %v", err)
	}
}

type senderFunc func(ctx context.Context, m mail.Message) error

func (f senderFunc) Send(ctx context.Context, m mail.Message) error { return f(ctx, m) }

func TestNewSMTPSender(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		url, force, want string
	}{
		{"smtp://user:p%40ss@mail.example.vn", "", "smtp://user@mail.example.vn:587 (STARTTLS mandatory)"},
		{"smtp://mail.example.vn:25", "", "smtp://mail.example.vn:25 (STARTTLS mandatory)"},
		{"smtps://user:pw@mail.example.vn", "", "smtps://user@mail.example.vn:465 (implicit TLS)"},
		{"smtp://127.0.0.1:1025", "", "smtp://127.0.0.1:1025 (no TLS)"},
		{"smtp://localhost:1025", "", "smtp://localhost:1025 (no TLS)"},
		{"smtp://[::1]:1025", "", "smtp://[::1]:1025 (no TLS)"},
		{"smtp://127.0.0.1:1025?tls=mandatory", "", "smtp://127.0.0.1:1025 (STARTTLS mandatory)"},
		{"smtp://127.0.0.1:1025?tls=opportunistic", "", "smtp://127.0.0.1:1025 (STARTTLS opportunistic)"},
		{"smtp://127.0.0.1:1025?tls=none", "mandatory", "smtp://127.0.0.1:1025 (STARTTLS mandatory)"},
		{"smtp://mail.example.vn?tls=none", "", "smtp://mail.example.vn:587 (no TLS)"},
	} {
		s, err := mail.NewSMTPSender(c.url, mail.SMTPOptions{From: from, TLS: c.force})
		if err != nil {
			t.Errorf("%s: %v", c.url, err)
			continue
		}
		if s.String() != c.want {
			t.Errorf("%s: %s, want %s", c.url, s, c.want)
		}
	}
	for _, bad := range []string{"http://mail.example.vn", "smtp://", "smtp://h:0", "smtp://h?tls=maybe", "smtp://h?tsl=none", "smtps://h?tls=none"} {
		if _, err := mail.NewSMTPSender(bad, mail.SMTPOptions{From: from}); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if _, err := mail.NewSMTPSender("smtp://h", mail.SMTPOptions{From: mail.Address{Email: "nobody"}}); err == nil {
		t.Errorf("a sender without a domain accepted")
	}
}

func TestTLSAndAuthentication(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := invitation("tls:1")
	m.ID = m.Key

	// A loopback server without STARTTLS refuses a forced mandatory policy:
	// a temporary failure (the server's configuration, not the message's).
	plain := mailtest.New(t)
	s, err := mail.NewSMTPSender(plain.URL(), mail.SMTPOptions{From: from, TLS: mail.TLSMandatory})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(ctx, m); err == nil || mail.IsPermanent(err) || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("mandatory TLS without STARTTLS: %v", err)
	}
	// Authentication without TLS on loopback (a local catcher).
	s, err = mail.NewSMTPSender("smtp://ctv:secret@"+plain.Addr(), mail.SMTPOptions{From: from})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(ctx, m); err != nil || !plain.Authenticated("ctv") {
		t.Errorf("plain auth on loopback: %v", err)
	}

	// STARTTLS with a verified certificate, then authentication.
	ts := httptest.NewUnstartedServer(nil)
	ts.StartTLS()
	defer ts.Close()
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	secure := mailtest.NewTLS(t, &tls.Config{Certificates: ts.TLS.Certificates})
	s, err = mail.NewSMTPSender("smtp://ctv:secret@"+secure.Addr()+"?tls=mandatory", mail.SMTPOptions{From: from, TLSConfig: &tls.Config{RootCAs: pool}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(ctx, m); err != nil || !secure.Authenticated("ctv") || len(secure.Messages()) != 1 {
		t.Errorf("STARTTLS: %v", err)
	}
	// An unverifiable certificate is refused.
	s, _ = mail.NewSMTPSender(secure.URL()+"?tls=mandatory", mail.SMTPOptions{From: from})
	if err := s.Send(ctx, m); err == nil || mail.IsPermanent(err) {
		t.Errorf("untrusted certificate: %v", err)
	}
	// Wrong password: temporary (fix the configuration, the backlog goes out).
	s, _ = mail.NewSMTPSender("smtp://ctv:wrong@"+plain.Addr(), mail.SMTPOptions{From: from})
	if err := s.Send(ctx, m); err == nil || mail.IsPermanent(err) {
		t.Errorf("bad password: %v", err)
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	base, maxDelay := 10*time.Second, time.Hour
	for n := 1; n <= 60; n++ {
		full := min(maxDelay, base<<min(n-1, 20))
		lo, hi := mail.Backoff(n, base, maxDelay, 0), mail.Backoff(n, base, maxDelay, 0.999999)
		if lo != full/2 || hi > full || hi < full*99/100 {
			t.Errorf("attempt %d: %v–%v, want %v–%v", n, lo, hi, full/2, full)
		}
	}
}

func TestMessageID(t *testing.T) {
	t.Parallel()
	for id, want := range map[string]string{
		"invite:s1:c2":    "<invite%3As1%3Ac2@ctv.example.vn>",
		"m-0af3.b":        "<m-0af3.b@ctv.example.vn>",
		".a..b.":          "<%2Ea.%2Eb%2E@ctv.example.vn>",
		"100%/x y":        "<100%25%2Fx%20y@ctv.example.vn>",
		"Thư mời":         "<Th%C6%B0%20m%E1%BB%9Di@ctv.example.vn>",
		"invite_s1-c2.v2": "<invite_s1-c2.v2@ctv.example.vn>",
	} {
		if got := mail.MessageID(id, from); got != want {
			t.Errorf("MessageID(%q) = %s, want %s", id, got, want)
		}
	}
}

// EnqueueMany queues a batch in two inserts with Enqueue's guarantees: a
// message still queued is not queued twice, one delivered before is not
// sent again, every other is delivered once.
func TestEnqueueManyQueuesEachMessageOnce(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		delivered, queued := invitation("invite:s11:delivered"), invitation("invite:s11:queued")
		if _, err := e.box.Enqueue(e.ctx, delivered); err != nil {
			t.Fatal(err)
		}
		w := e.worker(mail.WorkerOptions{})
		e.runOnce(t, w)
		if _, err := e.box.Enqueue(e.ctx, queued); err != nil {
			t.Fatal(err)
		}
		batch := []mail.Message{delivered, queued}
		for i := 0; i < 20; i++ {
			batch = append(batch, invitation(fmt.Sprintf("invite:s11:p%02d", i)))
		}
		batch = append(batch, invitation("")) // keyless
		ids, err := e.box.EnqueueMany(e.ctx, batch)
		if err != nil || len(ids) != len(batch) || ids[0] != delivered.Key || ids[2] != "invite:s11:p00" || ids[len(ids)-1] == "" {
			t.Fatalf("EnqueueMany = %v, %v", ids, err)
		}
		if got := e.count(t, mail.OutboxCollection); got != 22 { // queued + 20 + keyless
			t.Fatalf("%d live messages, want 22", got)
		}
		// The same batch again creates nothing.
		if _, err := e.box.EnqueueMany(e.ctx, batch[:22]); err != nil {
			t.Fatal(err)
		}
		if got := e.count(t, mail.OutboxCollection); got != 22 {
			t.Fatalf("after the batch again: %d live messages, want 22", got)
		}
		e.runOnce(t, w)
		got := map[string]int{}
		for _, m := range e.srv.Messages() {
			got[m.MessageID]++
		}
		if n := len(e.srv.Messages()); n != 1+22 {
			t.Errorf("%d messages arrived, want 23 (the delivered one once, then 22)", n)
		}
		for id, n := range got {
			if n != 1 {
				t.Errorf("%s arrived %d times", id, n)
			}
		}
		// A bad message queues nothing of its batch.
		bad := invitation("invite:s11:bad")
		bad.To.Email = "not an address"
		if _, err := e.box.EnqueueMany(e.ctx, []mail.Message{invitation("invite:s11:ok"), bad}); !errs.Is(err, errs.Invalid) {
			t.Errorf("bad batch: %v", err)
		}
		if got := e.count(t, mail.OutboxCollection); got != 0 {
			t.Errorf("a refused batch left %d live messages", got)
		}
	})
}

// A live message keeps its content apart from the envelope the worker's
// queries scan; the content goes when the message is delivered, and a
// message whose content was lost is failed, not left to stall the queue.
func TestBodiesLiveApartAndLeaveWithTheMessage(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		for _, k := range []string{"invite:s12:a", "invite:s12:b"} {
			if _, err := e.box.Enqueue(e.ctx, invitation(k)); err != nil {
				t.Fatal(err)
			}
		}
		var env bson.M
		if err := e.db.Collection(mail.OutboxCollection).FindOne(e.ctx, bson.D{{Key: "_id", Value: "invite:s12:a"}}).Decode(&env); err != nil {
			t.Fatal(err)
		}
		if _, ok := env["html"]; ok {
			t.Errorf("the live envelope carries the HTML body")
		}
		if got := e.count(t, mail.BodiesCollection); got != 2 {
			t.Fatalf("%d bodies, want 2", got)
		}
		if _, err := e.db.Collection(mail.BodiesCollection).DeleteOne(e.ctx, bson.D{{Key: "_id", Value: "invite:s12:b"}}); err != nil {
			t.Fatal(err)
		}
		// Another process's worker (this one keeps the bodies it queued in memory).
		other := mail.NewWorker(mail.NewOutbox(e.db, e.clk), e.sender, e.clk, mail.WorkerOptions{})
		e.runOnce(t, other)
		if got := e.srv.Messages(); len(got) != 1 || got[0].Subject != subject || !strings.Contains(string(got[0].Raw), "Nguy") {
			t.Fatalf("arrived: %d", len(got))
		}
		if got := e.count(t, mail.BodiesCollection); got != 0 {
			t.Errorf("%d bodies left after delivery", got)
		}
		d, err := e.box.Status(e.ctx, "invite:s12:b")
		if err != nil || d.Status != mail.Failed || !strings.Contains(d.LastError, "content") {
			t.Errorf("message without content: %+v, %v", d, err)
		}
	})
}

// An Enqueue stopped after writing the key (a crash) loses nothing: the
// next Enqueue of that key finds the message neither queued nor delivered
// and queues it, once.
func TestEnqueueAfterACrashBetweenKeyAndMessageQueuesIt(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		m := invitation("invite:s13:an")
		if _, err := e.db.Collection(mail.KeysCollection).InsertOne(e.ctx, bson.D{{Key: "_id", Value: m.Key}, {Key: "at", Value: t0}}); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			if _, err := e.box.Enqueue(e.ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		e.runOnce(t, e.worker(mail.WorkerOptions{}))
		if _, err := e.box.Enqueue(e.ctx, m); err != nil { // delivered: nothing new
			t.Fatal(err)
		}
		e.clk.Advance(time.Hour)
		e.runOnce(t, e.worker(mail.WorkerOptions{}))
		if got := len(e.srv.Messages()); got != 1 {
			t.Errorf("%d messages arrived, want 1", got)
		}
	})
}
