package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/demo"
	"github.com/ctvacademy/academy/modules/platform/storetest"
)

func TestMain(m *testing.M) {
	code := storetest.Run(m)
	StopChromium()
	os.Exit(code)
}

// The phone the registry tests run on: a common Android viewport.
const phoneWidth, phoneHeight = 360, 740

// statusLabels are the contract statuses as the pages show them
// (content/i18n/vi.yaml and en.yaml, keys contract.status.*).
var statusLabels = map[string]map[string]string{
	"vi": {"active": "Đang hiệu lực", "probation": "Thử thách", "suspended": "Tạm dừng", "ended": "Đã kết thúc"},
	"en": {"active": "Active", "probation": "Probation", "suspended": "Suspended", "ended": "Ended"},
}

// A coordinator on a phone signs in, narrows the registry to one district
// and opens a CTV's record to read the contract.
func TestCoordinatorFindsContract(t *testing.T) {
	t.Parallel()
	const area = "NT"
	network := readNetwork(t)
	areaName := ""
	for _, a := range network.Areas {
		if a.Code == area {
			areaName = a.Name
		}
	}
	people := map[string]demo.Person{}
	for _, p := range network.Collaborators {
		if p.AreaCode == area {
			people[p.Code] = p
		}
	}
	if areaName == "" || len(people) == 0 {
		t.Fatalf("content/demo/network.yaml has no district %s or nobody in it", area)
	}

	srv, ctx := Start(t, phoneWidth, phoneHeight)
	login(t, ctx, srv, apptest.Coordinator, apptest.DemoPassword)
	if loc := Run(t, ctx, "read the location", chromedp.Location()); loc != srv.URL+"/collaborators" {
		t.Fatalf("after signing in the coordinator is at %s, want the collaborators list", loc)
	}

	Do(t, ctx, "pick the district", chromedp.SetValue(chromedp.ID("area_code"), area))
	picked := Run(t, ctx, "read the picked district",
		chromedp.Evaluate[string](`document.getElementById("area_code").selectedOptions[0].textContent`))
	if picked != areaName {
		t.Errorf("district select shows %q, want %q", picked, areaName)
	}
	Load(t, ctx, "submit the filter", chromedp.Click(chromedp.CSS(`form[role=search] button[type=submit]`)))
	loc := Run(t, ctx, "read the location", chromedp.Location())
	if u, err := url.Parse(loc); err != nil || u.Path != "/collaborators" || u.Query().Get("area_code") != area {
		t.Errorf("filtered list is at %s, want /collaborators?area_code=%s", loc, area)
	}

	codes := Run(t, ctx, "read the list",
		chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#people li[data-code]"), li => li.dataset.code)`))
	for _, code := range codes {
		if !strings.HasPrefix(code, area+"-") {
			t.Errorf("the %s list shows %s", area, code)
		}
	}
	if len(codes) != len(people) {
		t.Errorf("the %s list shows %d people %v, want %d", area, len(codes), codes, len(people))
	}
	if got, want := Run(t, ctx, "read the count", chromedp.Text(chromedp.ID("count"))), fmt.Sprintf("%d người", len(people)); got != want {
		t.Errorf("count = %q, want %q", got, want)
	}
	assertFits(t, ctx, phoneWidth)

	// The first CTV in the list's order (team leaders come first).
	var ctv demo.Person
	for _, code := range codes {
		if p := people[code]; p.Role == "ctv" {
			ctv = p
			break
		}
	}
	if ctv.Code == "" {
		t.Fatalf("no CTV in the %s list %v", area, codes)
	}
	Load(t, ctx, "open "+ctv.Code, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#people li[data-code=%q] a`, ctv.Code))))

	if got := Run(t, ctx, "read the name", chromedp.Text(chromedp.ID("name"))); got != ctv.FullName {
		t.Errorf("h1#name = %q, want %q", got, ctv.FullName)
	}
	section := Run(t, ctx, "read the contract", chromedp.Text(chromedp.ID("contract")))
	for _, want := range []string{
		ctv.Contract.Number,
		vnDate(t, ctv.Contract.StartsOn) + " – " + vnDate(t, ctv.Contract.EndsOn),
		statusLabels["vi"][ctv.Contract.Status],
		vnd(ctv.Contract.QuarterlyStipend),
	} {
		if want == "" || !strings.Contains(section, want) {
			t.Errorf("section#contract does not show %q:\n%s", want, section)
		}
	}
	assertFits(t, ctx, phoneWidth)
}

// The language switch in the header turns a collaborator's page into
// English, and the choice stays for the next page.
func TestCollaboratorPageSwitchesToEnglish(t *testing.T) {
	t.Parallel()
	srv, ctx := Start(t, 1280, 800)
	c := srv.Find(t, "ctv", "NT")
	page := srv.URL + "/collaborators/" + c.ID

	login(t, ctx, srv, apptest.Coordinator, apptest.DemoPassword)
	Open(t, ctx, page)
	assertContract(t, ctx, "vi", "Hợp đồng", statusLabels["vi"][c.Contract.Status])

	Load(t, ctx, "switch to English", chromedp.Click(chromedp.CSS(`header a.lang[hreflang=en]`)))
	if loc := Run(t, ctx, "read the location", chromedp.Location()); loc != page+"?lang=en" {
		t.Errorf("the switch led to %s, want %s?lang=en", loc, page)
	}
	assertContract(t, ctx, "en", "Contract", statusLabels["en"][c.Contract.Status])

	Open(t, ctx, page)
	assertContract(t, ctx, "en", "Contract", statusLabels["en"][c.Contract.Status])
}

// login signs in through the login form and waits for the page it leads to.
func login(t *testing.T, ctx context.Context, srv *apptest.Server, email, password string) {
	t.Helper()
	Open(t, ctx, srv.URL+"/login")
	Load(t, ctx, "sign in as "+email,
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
}

// loginCTV signs in, through the login form, a demo CTV of area with the
// demo password.
func loginCTV(t *testing.T, ctx context.Context, srv *apptest.Server, area string) {
	t.Helper()
	login(t, ctx, srv, srv.Find(t, "ctv", area).Email, apptest.DemoPassword)
}

// assertContract checks the page language and the contract section's
// heading and status badge.
func assertContract(t *testing.T, ctx context.Context, lang, title, status string) {
	t.Helper()
	if got := Run(t, ctx, "read the page language", chromedp.Evaluate[string](`document.documentElement.lang`)); got != lang {
		t.Errorf("<html lang> = %q, want %q", got, lang)
	}
	if got := Run(t, ctx, "read the contract title", chromedp.Text(chromedp.CSS("#contract h2"))); got != title {
		t.Errorf("contract title = %q, want %q", got, title)
	}
	if got := Run(t, ctx, "read the contract status", chromedp.Text(chromedp.CSS("#contract .badge"))); got != status {
		t.Errorf("contract status = %q, want %q", got, status)
	}
}

// assertFits fails when the page is wider than the viewport, so that the
// user would have to scroll sideways.
func assertFits(t *testing.T, ctx context.Context, width int) {
	t.Helper()
	got := Run(t, ctx, "measure the page", chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if got > width {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Errorf("%s is %d px wide on a %d px screen", loc, got, width)
	}
}

func readNetwork(t *testing.T) demo.Network {
	t.Helper()
	n, err := demo.Read(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(n.Staff, func(s demo.Staff) bool { return s.Email == apptest.Coordinator }) {
		t.Fatalf("content/demo/network.yaml has no coordinator %s", apptest.Coordinator)
	}
	return n
}

// vnDate writes a YAML date (2024-07-01) as the pages do (01/07/2024).
func vnDate(t *testing.T, s string) string {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatalf("demo date %q: %v", s, err)
	}
	return d.Format("02/01/2006")
}

// vnd writes an amount of đồng as the pages do (1.500.000 ₫).
func vnd(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String() + " ₫"
}
