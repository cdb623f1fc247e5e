package app_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/app/apptest"
)

// The certificates page: a CTV sees their own certificate with its PDF and
// verification links; the district's team leader sees it too, another
// district's does not; a coordinator revokes it from the page with a
// reason (none: the form again, nothing revoked) and the page then shows
// it revoked.
func TestCertificatesPage(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{})
	ctv := s.Find(t, "ctv", "NT")
	ctvToken := s.LoginDemo(t, ctv.Email)
	passQuiz(t, s, ctvToken, "KC-102")
	mine := certs(t, s, ctvToken, "/api/v1/me/certifications")
	if mine.Total != 1 {
		t.Fatalf("after a pass: %d certificates", mine.Total)
	}
	cert := mine.Items[0]

	own := s.Forms(t, ctvToken).Get("/certifications")
	for _, want := range []string{`data-id="` + cert.ID + `" data-status="valid"`, "Còn hiệu lực",
		`href="/api/v1/certifications/` + cert.ID + `/pdf"`, `href="/verify/` + string(cert.VerificationCode) + `"`} {
		if own.Status != 200 || !strings.Contains(own.Body, want) {
			t.Fatalf("a CTV's certificates page lacks %s: %d %s", want, own.Status, own.Body)
		}
	}
	if strings.Contains(own.Body, "/revoke") {
		t.Error("a CTV is offered to revoke")
	}
	// The course's title in the page's language, on the page and in its
	// course filter; the certificate's verification page likewise.
	if !strings.Contains(own.Body, "Quy chế cộng tác viên khuyến công") {
		t.Errorf("the certificates page lacks the course's title: %s", own.Body)
	}
	ownEN := s.Forms(t, ctvToken).Get("/certifications?lang=en")
	if !strings.Contains(ownEN.Body, "The CTV regulation") || strings.Contains(ownEN.Body, "Quy chế cộng tác viên") {
		t.Errorf("the certificates page in English does not show the course's English title: %s", ownEN.Body)
	}
	if v := s.Page(t, "/verify/"+string(cert.VerificationCode)+"?lang=en", ""); !strings.Contains(string(v.Body), "The CTV regulation (KC-102)") {
		t.Errorf("the verification page in English does not show the course's English title: %s", v.Body)
	}
	if pdf := s.Do(t, "GET", "/api/v1/certifications/"+cert.ID+"/pdf", ctvToken, nil); pdf.Status != 200 ||
		pdf.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(pdf.Body), "%PDF-") {
		t.Errorf("the page's PDF link: %d %s", pdf.Status, pdf.Header.Get("Content-Type"))
	}
	if v := s.Page(t, "/verify/"+string(cert.VerificationCode), ""); v.Status != 200 || !strings.Contains(string(v.Body), ctv.FullName) {
		t.Errorf("the page's verification link, signed out: %d", v.Status)
	}

	leaderNT := s.Forms(t, s.LoginDemo(t, s.Find(t, "team_leader", "NT").Email)).Get("/certifications?course=KC-102")
	if !strings.Contains(leaderNT.Body, `data-id="`+cert.ID+`"`) || !strings.Contains(leaderNT.Body, ctv.FullName) {
		t.Errorf("the district's team leader does not see it: %s", leaderNT.Body)
	}
	leaderLT := s.Forms(t, s.LoginDemo(t, s.Find(t, "team_leader", "LT").Email)).Get("/certifications")
	if leaderLT.Status != 200 || strings.Contains(leaderLT.Body, cert.ID) {
		t.Errorf("another district's team leader sees it: %d", leaderLT.Status)
	}

	coord := s.Forms(t, s.LoginDemo(t, apptest.Coordinator))
	list := coord.Get("/certifications?status=valid")
	if !strings.Contains(list.Body, `href="/certifications/`+cert.ID+`/revoke"`) {
		t.Fatalf("no revoke link for the coordinator: %s", list.Body)
	}
	form := coord.Get("/certifications/" + cert.ID + "/revoke")
	if form.Status != 200 || !strings.Contains(form.Body, "Thu hồi là vĩnh viễn") {
		t.Fatalf("revoke form: %d %s", form.Status, form.Body)
	}
	if r := coord.Post("/certifications/"+cert.ID+"/revoke", url.Values{"reason": {"  "}}); r.Status != 400 ||
		!strings.Contains(r.Body, `id="reason-error"`) {
		t.Fatalf("a revocation without a reason: %d %s", r.Status, r.Body)
	}
	if l := certs(t, s, ctvToken, "/api/v1/me/certifications"); l.Items[0].Status != "valid" {
		t.Fatalf("refused revocation changed the status to %s", l.Items[0].Status)
	}
	done := coord.Post("/certifications/"+cert.ID+"/revoke", url.Values{"reason": {"Hồ sơ khảo sát bị làm giả"}})
	if done.Status != 303 || done.Location != "/certifications?revoked="+url.QueryEscape(cert.ID) {
		t.Fatalf("revoke: %d → %q %s", done.Status, done.Location, done.Body)
	}
	after := coord.Get(done.Location)
	if !strings.Contains(after.Body, `id="revoked"`) || !strings.Contains(after.Body, `data-id="`+cert.ID+`" data-status="revoked"`) ||
		!strings.Contains(after.Body, "Hồ sơ khảo sát bị làm giả") {
		t.Errorf("after revoking, the page: %s", after.Body)
	}
	// Revoked, its page says so instead of offering the form again, and a
	// second revocation (another tab) is told the same.
	again := coord.Get("/certifications/" + cert.ID + "/revoke")
	if again.Status != 200 || strings.Contains(again.Body, `name="reason"`) || !strings.Contains(again.Body, "Chứng nhận này đã bị thu hồi ngày") {
		t.Errorf("the revoke page of a revoked certificate: %d %s", again.Status, again.Body)
	}
	twice := coord.Post("/certifications/"+cert.ID+"/revoke", url.Values{"reason": {"Lần nữa"}})
	if twice.Status != 409 || !strings.Contains(twice.Body, "Chứng nhận này đã bị thu hồi ngày") || strings.Contains(twice.Body, "người khác") {
		t.Errorf("revoking twice: %d %s", twice.Status, twice.Body)
	}
}
