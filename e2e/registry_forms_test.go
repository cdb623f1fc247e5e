package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/ctvacademy/academy/modules/app/apptest"
)

// A coordinator on a phone adds a collaborator from the list's link with
// the form, lands on the new person's page with the message, opens its
// edit page and the import page: every page fits the 360 px screen.
func TestCoordinatorAddsCollaboratorOnAPhone(t *testing.T) {
	t.Parallel()
	srv, ctx := Start(t, phoneWidth, phoneHeight)
	login(t, ctx, srv, apptest.Coordinator, apptest.DemoPassword)
	Open(t, ctx, srv.URL+"/collaborators")
	Load(t, ctx, "follow Thêm cộng tác viên", chromedp.Click(chromedp.ID("new-link")))
	assertFits(t, ctx, phoneWidth)

	for id, v := range map[string]string{"code": "NT-97", "full_name": "Huỳnh Thị Thu Trang", "email": "trang.huynh@example.vn",
		"phone": "0913 222 333", "role": "ctv", "area_code": "NT", "commune": "Xã Đại Phước", "position": "Công chức Kinh tế",
		"contract_number": "97/2026/HĐ-TTKC", "starts_on": "2026-12-01", "ends_on": "2027-11-30", "status": "probation",
		"quarterly_stipend": "1.200.000"} {
		Do(t, ctx, "fill "+id, chromedp.SetValue(chromedp.ID(id), v))
	}
	Load(t, ctx, "submit the form", chromedp.Click(chromedp.CSS(`#collaborator-form button[type=submit]`)))
	if got := Run(t, ctx, "read the name", chromedp.Text(chromedp.ID("name"))); got != "Huỳnh Thị Thu Trang" {
		t.Errorf("after the form the page shows %q", got)
	}
	if got := Run(t, ctx, "read the message", chromedp.Text(chromedp.ID("saved"))); !strings.Contains(got, "Đã thêm cộng tác viên") {
		t.Errorf("the message reads %q", got)
	}
	assertFits(t, ctx, phoneWidth)

	Load(t, ctx, "follow Sửa", chromedp.Click(chromedp.ID("edit-link")))
	assertFits(t, ctx, phoneWidth)
	Open(t, ctx, srv.URL+"/collaborators/import")
	assertFits(t, ctx, phoneWidth)
}
