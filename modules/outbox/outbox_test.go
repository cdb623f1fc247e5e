package outbox_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/mail"
	"github.com/ctvacademy/academy/modules/platform/mail/mailtest"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"github.com/ctvacademy/academy/modules/platform/web"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type list = web.List[mail.Delivery]

func message(key, subject string) mail.Message {
	return mail.Message{Key: key, To: mail.Address{Email: "ctv." + strings.ReplaceAll(key, ":", "-") + "@example.vn", Name: "Nguyễn Văn An"},
		Subject: subject, Text: "Nội dung thư"}
}

// mailing is the service mailing to an SMTP catcher, with a signal each
// time its worker records a message sent or failed.
type mailing struct {
	*apptest.Server
	recorded chan struct{}
}

// startMailing starts the service mailing to srv (opts.SMTPURL and
// opts.Mail.OnDone are set here).
func startMailing(t *testing.T, srv *mailtest.Server, opts apptest.Options) *mailing {
	t.Helper()
	recorded := make(chan struct{}, 1)
	opts.SMTPURL = srv.URL()
	opts.Mail.OnDone = func(context.Context, mail.Delivery) {
		select {
		case recorded <- struct{}{}:
		default: // a signal is already pending
		}
	}
	return &mailing{Server: apptest.Start(t, opts), recorded: recorded}
}

// waitStatus waits until the service's worker has recorded the message in
// status: it looks again each time the worker records a message.
func (s *mailing) waitStatus(t *testing.T, id string, want mail.Status) mail.Delivery {
	t.Helper()
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	for {
		d, err := s.App.Outbox.Status(context.Background(), id)
		if err == nil && d.Status == want && !d.Sending {
			return d
		}
		select {
		case <-s.recorded:
		case <-deadline.C:
			t.Fatalf("message %s is %+v (%v), want %s", id, d, err, want)
		}
	}
}

// The SMTP server refuses one message for good (550): it shows as failed,
// with its error, until a coordinator retries it; then it is delivered.
func TestOutboxListsByStatusAndRetriesAFailedMessage(t *testing.T) {
	t.Parallel()
	srv := mailtest.New(t)
	srv.FailNext(1, "rcpt", 550)
	s := startMailing(t, srv, apptest.Options{NoDemo: true})
	ctx := context.Background()
	failed, err := s.App.Outbox.Enqueue(ctx, message("test:refused", "Thư mời tập huấn: Kỹ năng tư vấn"))
	if err != nil {
		t.Fatal(err)
	}
	d := s.waitStatus(t, failed, mail.Failed)
	if d.Attempts != 1 || !strings.Contains(d.LastError, "550") {
		t.Errorf("failed message %+v", d)
	}
	sent, err := s.App.Outbox.Enqueue(ctx, message("test:accepted", "Nhắc lịch tập huấn"))
	if err != nil {
		t.Fatal(err)
	}
	s.waitStatus(t, sent, mail.Sent)

	admin := s.LoginDemo(t, apptest.Admin)
	for status, want := range map[string]string{"failed": failed, "sent": sent, "": failed} {
		var l list
		r := s.Do(t, "GET", "/api/v1/outbox?status="+status, admin, nil)
		r.JSON(t, &l)
		if r.Status != 200 || l.Total != 1 || len(l.Items) != 1 || l.Items[0].ID != want {
			t.Errorf("status=%s: %d %s", status, r.Status, r.Body)
		}
	}
	var l list
	s.Do(t, "GET", "/api/v1/outbox?status=queued", admin, nil).JSON(t, &l)
	if l.Total != 0 || l.Items == nil {
		t.Errorf("queued: %+v", l)
	}
	if r := s.Do(t, "GET", "/api/v1/outbox?status=lost", admin, nil); r.Status != 400 || !r.Problem(t).HasField("status") {
		t.Errorf("unknown status: %d %s", r.Status, r.Body)
	}

	// Only a failed message can be retried.
	if r := s.Do(t, "POST", "/api/v1/outbox/"+sent+"/retry", admin, nil); r.Status != 409 {
		t.Errorf("retry a sent message: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "POST", "/api/v1/outbox/test:nothing/retry", admin, nil); r.Status != 404 {
		t.Errorf("retry an unknown message: %d", r.Status)
	}
	r := s.Do(t, "POST", "/api/v1/outbox/"+failed+"/retry", admin, nil)
	var after mail.Delivery
	r.JSON(t, &after)
	if r.Status != 200 || after.ID != failed || after.Status == mail.Failed {
		t.Fatalf("retry: %d %s", r.Status, r.Body)
	}
	s.waitStatus(t, failed, mail.Sent)
	if got := srv.CountByID(); len(srv.Messages()) != 2 {
		t.Errorf("the SMTP server accepted %d messages: %v", len(srv.Messages()), got)
	}
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// The page, in Vietnamese, shows a failed message with its error and a
// retry button that queues it again; others than staff are refused.
func TestOutboxPage(t *testing.T) {
	t.Parallel()
	srv := mailtest.New(t)
	srv.FailNext(1, "rcpt", 550)
	s := startMailing(t, srv, apptest.Options{})
	id, err := s.App.Outbox.Enqueue(context.Background(), message("invite:s1:c1", "Thư mời tập huấn: Kỹ năng tư vấn"))
	if err != nil {
		t.Fatal(err)
	}
	s.waitStatus(t, id, mail.Failed)

	coord := s.LoginDemo(t, apptest.Coordinator)
	client := apptest.Browser(t)
	u, _ := url.Parse(s.URL)
	client.Jar.SetCookies(u, []*http.Cookie{{Name: web.SessionCookie, Value: coord, Path: "/"}})
	get := func(path string) (int, string) {
		t.Helper()
		req := apptest.NewRequest(t, "GET", s.URL+path, nil)
		req.Header.Set("Accept", "text/html")
		r := apptest.Send(t, client, req)
		return r.Status, string(r.Body)
	}
	status, body := get("/outbox?status=failed")
	for _, want := range []string{"<title>Hộp thư đi", `<h1>Hộp thư đi</h1>`, `<a href="/outbox">Hộp thư đi</a>`, `<nav aria-label="Điều hướng chính">`, `<nav class="tabs" id="tabs" aria-label="Trạng thái thư">`, `<span class="badge failed">Gửi lỗi</span>`, "Thư mời tập huấn: Kỹ năng tư vấn", "Nguyễn Văn An &lt;ctv.invite-s1-c1@example.vn&gt;",
		"1 lần gửi", "Lỗi gần nhất", "550", `action="/outbox/invite:s1:c1/retry"`, ">Gửi lại</button>", `aria-current="page" data-status="failed"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the failed tab lacks %q", want)
		}
	}
	if status != 200 {
		t.Fatalf("outbox page: %d", status)
	}
	csrf := csrfInput.FindStringSubmatch(body)
	if csrf == nil {
		t.Fatal("no CSRF token on the page")
	}
	resp, err := client.PostForm(s.URL+"/outbox/invite:s1:c1/retry", url.Values{"_csrf": {csrf[1]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/outbox?status=failed&retried=1" {
		t.Fatalf("retry button: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	s.waitStatus(t, id, mail.Sent)
	status, body = get("/outbox?status=sent")
	if status != 200 || !strings.Contains(body, `<span class="badge sent">Đã gửi</span>`) || !strings.Contains(body, `data-id="invite:s1:c1"`) || strings.Contains(body, ">Gửi lại</button>") {
		t.Errorf("the sent tab: %d\n%s", status, body)
	}
	if _, body = get("/outbox?status=failed&retried=1"); !strings.Contains(body, "Đã đưa thư vào hàng chờ để gửi lại.") || !strings.Contains(body, "Không có thư nào.") {
		t.Errorf("the failed tab after the retry:\n%s", body)
	}
	if _, body = get("/outbox?lang=en"); !strings.Contains(body, "<h1>Outbox</h1>") || !strings.Contains(body, `<a href="/outbox">Outbox</a>`) {
		t.Error("the English page")
	}

	for _, who := range []string{apptest.Leadership, s.Find(t, "team_leader", "NT").Email, s.Find(t, "ctv", "NT").Email} {
		tok := s.LoginDemo(t, who)
		if r := s.Page(t, "/outbox", tok); r.Status != 403 {
			t.Errorf("%s opens the outbox page: %d", who, r.Status)
		}
		if r := s.Do(t, "GET", "/api/v1/outbox", tok, nil); r.Status != 403 {
			t.Errorf("%s lists the outbox: %d", who, r.Status)
		}
		if r := s.Do(t, "POST", "/api/v1/outbox/"+id+"/retry", tok, nil); r.Status != 403 {
			t.Errorf("%s retries: %d", who, r.Status)
		}
	}
	if r := s.Page(t, "/outbox", ""); r.Status != 303 {
		t.Errorf("signed out: %d", r.Status)
	}
}
