package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/certification"
	"github.com/ctvacademy/academy/modules/platform/web"
)

// startWithActivity is Start on the demo as `academy` loads it at its
// first start: the network with its sessions, graded attempts and
// quarterly records, the certificates reconciled from them as the nightly
// job does.
func startWithActivity(t *testing.T, width, height int) (*apptest.Server, context.Context) {
	t.Helper()
	srv, ctx := Start(t, width, height, apptest.Options{NoDemo: true})
	srv.App.Config.DemoActivity = true
	srv.App.Config.DemoPassword = apptest.DemoPassword
	if err := srv.App.LoadDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := srv.App.Certification.ReconcileAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	return srv, ctx
}

// The public verification page of a valid certificate of the demo, as an
// establishment opens it from the certificate's QR code on a 360 px
// phone, signed out and with JavaScript turned off: it names the holder
// and the course, says valid, and needs no sideways scrolling. Then the
// holder signs in on a phone of their own: the course's page shows the
// certificate's last day beside a plain link to the quiz (not the button
// that invites an attempt), fits the screen and passes axe-core.
func TestVerificationAndHoldersCoursePageFitAPhone(t *testing.T) {
	t.Parallel()
	srv, ctx := startWithActivity(t, phoneWidth, phoneHeight)
	coord := srv.LoginDemo(t, apptest.Coordinator)
	r := srv.Do(t, "GET", "/api/v1/certifications?status=valid&limit=1", coord, nil)
	var l web.List[certification.View]
	r.JSON(t, &l)
	if r.Status != 200 || len(l.Items) == 0 {
		t.Fatalf("no valid certificate in the demo: %d %s", r.Status, r.Body)
	}
	cert := l.Items[0]
	noScript(t, ctx)
	Open(t, ctx, srv.URL+"/verify/"+string(cert.VerificationCode))
	page := Run(t, ctx, "read the page", chromedp.Text(chromedp.CSS("section.verify")))
	for _, want := range []string{cert.FullName, cert.CourseTitle + " (" + cert.CourseCode + ")", string(cert.VerificationCode)} {
		if !strings.Contains(page, want) {
			t.Errorf("the verification page lacks %q:\n%s", want, page)
		}
	}
	if n := Run(t, ctx, "find the status", chromedp.Evaluate[int](`document.querySelectorAll("section.verify .badge.valid").length`)); n != 1 {
		t.Errorf("the verification page shows %d valid badges, want 1:\n%s", n, page)
	}
	assertFits(t, ctx, phoneWidth)

	var holder struct {
		Email string `json:"email"`
	}
	srv.Do(t, "GET", "/api/v1/collaborators/"+cert.CollaboratorID, coord, nil).JSON(t, &holder)
	phone := NewBrowser(t, phoneWidth, phoneHeight)
	login(t, phone, srv, holder.Email, apptest.DemoPassword)
	Open(t, phone, srv.URL+"/courses/"+cert.CourseCode)
	day := strings.Split(cert.ValidUntil, "-")
	if got, want := Run(t, phone, "read the certificate", chromedp.Text(chromedp.CSS("#held"))), "Chứng nhận có hiệu lực đến hết ngày "+day[2]+"/"+day[1]+"/"+day[0]; got != want {
		t.Errorf("the holder's %s page says %q, want %q", cert.CourseCode, got, want)
	}
	if class := Run(t, phone, "read the quiz link", chromedp.Evaluate[string](`document.getElementById("take-quiz").className`)); class != "" {
		t.Errorf("the holder's quiz link is of class %q, want a plain link", class)
	}
	assertFits(t, phone, phoneWidth)
	AssertAccessible(t, phone)
}
