package reports

import (
	"net/http"
	"strings"
	"testing"
)

func TestCompetencyPage(t *testing.T) {
	t.Parallel()
	base := server(t)
	body := getOK(t, base+"/reports/competency", "lead")
	page := string(body)
	for _, want := range []string{
		`<h1>Ma trận năng lực</h1>`,
		`<tr data-id="p1">`,
		// A cell says its status in a symbol and in words, with its last day.
		`<td class="cell expiring" data-status="expiring"><span aria-hidden="true">!</span> Sắp hết hạn<br><span class="until">20/07/2026</span></td>`,
		`<td class="cell missing" data-status="missing"><span aria-hidden="true">○</span> Chưa có</td>`,
		`<td class="cell revoked" data-status="revoked"><span aria-hidden="true">⊘</span> Bị thu hồi</td>`,
		`<span class="standing at_risk">Có nguy cơ</span>`,
		`75%<br><span class="muted">2026-Q1</span>`,
		`href="/api/v1/reports/competency.xlsx"`,
		`<option value="HN-CG">Quận Cầu Giấy (HN-CG)</option>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if !strings.Contains(page, `<td>2/4</td>`) {
		t.Errorf("the totals row lacks KC-101's 2/4")
	}

	// Filtered to a district, the downloads keep the filter.
	_, body = get(t, base+"/reports/competency?area_code=HN-CG", "lead")
	page = string(body)
	if strings.Contains(page, `data-id="p1"`) || !strings.Contains(page, `data-id="p3"`) ||
		!strings.Contains(page, `href="/api/v1/reports/competency.xlsx?area_code=HN-CG"`) {
		t.Errorf("filtered page:\n%s", page)
	}

	// A team leader sees their district without a district filter.
	_, body = get(t, base+"/reports/competency", "tl-bd")
	page = string(body)
	if strings.Contains(page, `data-id="p3"`) || !strings.Contains(page, `data-id="p2"`) || strings.Contains(page, `id="area_code"`) {
		t.Errorf("team leader's page:\n%s", page)
	}
	if res, _ := get(t, base+"/reports/competency", "ctv"); res.StatusCode != http.StatusForbidden {
		t.Errorf("a CTV: %d, want 403", res.StatusCode)
	}
	if res, body := get(t, base+"/reports/competency?standing=bad", "lead"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a bad standing: %d %s", res.StatusCode, body)
	}
}

// Each report's page links to every other (the header links only to the
// matrix, the leadership's home), and marks its own as the current one.
func TestReportPagesLinkToEachOther(t *testing.T) {
	t.Parallel()
	base := server(t)
	paths := []string{"/reports/competency", "/reports/coverage", "/reports/quarters", "/reports/courses", "/reports/contracts"}
	for _, path := range paths {
		page := string(getOK(t, base+path, "lead"))
		for _, other := range paths {
			want := `<a href="` + other + `">`
			if other == path {
				want = `<a href="` + other + `" aria-current="page">`
			}
			if !strings.Contains(page, want) {
				t.Errorf("%s lacks %s", path, want)
			}
		}
	}
}
