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
// and the course, says valid, and needs no sideways scrolling.
func TestVerificationPageFitsAPhone(t *testing.T) {
	t.Parallel()
	srv, ctx := startWithActivity(t, phoneWidth, phoneHeight)
	r := srv.Do(t, "GET", "/api/v1/certifications?status=valid&limit=1", srv.LoginDemo(t, apptest.Coordinator), nil)
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
}
