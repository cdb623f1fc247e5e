package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/ctvacademy/academy/modules/app/apptest"
)

// On a 360 px phone a report table's caption stays inside the visible
// part of its scrolling wrapper: its words wrap there instead of running
// past the screen's edge with the table, and the page itself does not
// scroll sideways.
func TestReportCaptionsFitThePhone(t *testing.T) {
	t.Parallel()
	srv, ctx := Start(t, phoneWidth, phoneHeight)
	login(t, ctx, srv, apptest.Leadership, apptest.DemoPassword)
	type caption struct {
		Text         string  `json:"text"`
		Left         float64 `json:"left"`
		Right        float64 `json:"right"`
		BoxLeft      float64 `json:"boxLeft"`
		BoxRight     float64 `json:"boxRight"`
		TableW       float64 `json:"tableW"`
		WrapperW     float64 `json:"wrapperW"`
		PageOverflow float64 `json:"pageOverflow"`
	}
	for _, path := range []string{"/reports/competency?area_code=LK", "/reports/coverage", "/reports/courses", "/reports/contracts?days=180"} {
		Open(t, ctx, srv.URL+path)
		got := Run(t, ctx, "measure the captions", chromedp.Evaluate[[]caption](`Array.from(document.querySelectorAll(".scroll caption"), c => {
			const text = c.firstElementChild || c, r = text.getBoundingClientRect(), box = c.closest(".scroll").getBoundingClientRect();
			return {text: c.textContent.trim(), left: r.left, right: r.right, boxLeft: box.left, boxRight: box.right,
				tableW: c.closest("table").scrollWidth, wrapperW: box.width,
				pageOverflow: document.documentElement.scrollWidth - window.innerWidth};
		})`))
		if len(got) == 0 {
			t.Errorf("%s: no table caption to measure", path)
		}
		wide := false
		for _, c := range got {
			wide = wide || c.TableW > c.WrapperW
			if c.Left < c.BoxLeft-0.5 || c.Right > c.BoxRight+0.5 || c.PageOverflow > 0 {
				t.Errorf("%s at %d px: caption %q spans %.0f–%.0f px, its wrapper shows %.0f–%.0f px (table %.0f px wide), the page overflows %.0f px",
					path, phoneWidth, c.Text, c.Left, c.Right, c.BoxLeft, c.BoxRight, c.TableW, c.PageOverflow)
			}
		}
		if path == "/reports/competency?area_code=LK" && !wide {
			t.Errorf("%s: the matrix fits the phone: the test cannot see a clipped caption", path)
		}
	}
}
