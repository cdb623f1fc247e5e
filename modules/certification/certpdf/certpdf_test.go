package certpdf_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"image"
	"image/png"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/certification"
	"github.com/ctvacademy/academy/modules/certification/certpdf"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/ctvacademy/academy/modules/platform/web/webtest"
	"golang.org/x/text/unicode/norm"
)

const baseURL = "https://academy.example.vn"

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, clock.VN) }

// A certificate of each status, by code. They belong to collaborator
// c-nhung of district NT.
var certs = map[string]certpdf.View{}

func add(status certification.Status, name string) certpdf.View {
	id, code := certification.NewID()
	v := certpdf.View{ID: id, Code: code, FullName: name, CourseCode: "KNKS-01", CourseTitle: "Kỹ năng khảo sát nhu cầu",
		CourseTitleEN: "Needs survey skills", IssuedAt: day(2026, 3, 14).Add(9 * time.Hour), ExpiresAt: day(2027, 3, 15), Status: status}
	if status == certification.StatusRevoked {
		v.RevokedAt = day(2026, 11, 2).Add(15 * time.Hour)
	}
	certs[string(code)] = v
	return v
}

var (
	valid    = add(certification.StatusValid, "Nguyễn Thị Hồng Nhung")
	expiring = add(certification.StatusExpiring, "Trần Văn Đức")
	expired  = add(certification.StatusExpired, "Lê Thị Ánh")
	revoked  = add(certification.StatusRevoked, "Phạm Quốc Bảo")
)

// source is a fake certpdf.Source: every certificate is c-nhung's in NT.
type source struct{}

func (source) Certificate(_ context.Context, scope authz.Scope, id string) (certpdf.View, error) {
	for _, v := range certs {
		if v.ID == id {
			if !scope.Allows("NT", "c-nhung") {
				return certpdf.View{}, errs.E(errs.NotFound, "no such certificate")
			}
			return v, nil
		}
	}
	return certpdf.View{}, errs.E(errs.NotFound, "no such certificate")
}

func (source) Verify(_ context.Context, code string) (certpdf.View, error) {
	if v, ok := certs[code]; ok {
		return v, nil
	}
	return certpdf.View{}, errs.E(errs.NotFound, "no certificate has this code")
}

// principals by bearer token.
var principals = map[string]authz.Principal{
	"ctv-own":   {UserID: "u1", Role: authz.RoleCTV, CollaboratorID: "c-nhung", AreaCode: "NT"},
	"ctv-other": {UserID: "u2", Role: authz.RoleCTV, CollaboratorID: "c-other", AreaCode: "NT"},
	"tl-nt":     {UserID: "u3", Role: authz.RoleTeamLeader, CollaboratorID: "c-tl", AreaCode: "NT"},
	"tl-bh":     {UserID: "u4", Role: authz.RoleTeamLeader, CollaboratorID: "c-tl2", AreaCode: "BH"},
	"coord-en":  {UserID: "u5", Role: authz.RoleCoordinator, Language: "en"},
}

type tokens struct{}

func (tokens) Authenticate(_ context.Context, token string) (authz.Principal, error) {
	if p, ok := principals[token]; ok {
		return p, nil
	}
	return authz.Principal{}, errs.E(errs.Unauthorized, "unknown token")
}

// fakeClock is the limiter's clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeClock) Now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }
func (f *fakeClock) Add(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

// server starts the platform with the two routes on a loopback port; it
// trusts X-Forwarded-For from the loopback, so a test can act
// as several clients.
func server(t testing.TB, burst int, clk *fakeClock) string {
	t.Helper()
	m := certpdf.NewModule(source{}, certpdf.Options{BaseURL: baseURL, Burst: burst, Every: 3 * time.Second, Now: clk.Now})
	return webtest.Serve(t, m, tokens{}, func(o *web.Options) {
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	})
}

// get sends a GET as client (an address in X-Forwarded-For) with the
// bearer token (none when empty) and the headers h (name, value, ...).
func get(t testing.TB, url, client, token string, h ...string) (*http.Response, []byte) {
	t.Helper()
	return webtest.Get(t, url, token, append([]string{"X-Forwarded-For", client}, h...)...)
}

// pdfOK fetches v's PDF with token from a server of its own, failing the
// test unless it answers 200.
func pdfOK(t *testing.T, v certpdf.View, token string) (*http.Response, []byte) {
	t.Helper()
	url := server(t, 100, &fakeClock{t: time.Now()})
	res, body := get(t, url+"/api/v1/certifications/"+v.ID+"/pdf", "10.0.0.1", token)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	return res, body
}

// textHas reports each of wants that the PDF's text does not contain.
func textHas(t *testing.T, text string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
}

// pdfText is the text pdftotext (poppler-utils) reads from pdf.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	return pdftotext(t, pdf, "-layout")
}

// pdftotext runs pdftotext with args on pdf and returns what it writes.
func pdftotext(t *testing.T, pdf []byte, args ...string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "c.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", append(append(args, "-enc", "UTF-8"), f, "-")...).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext (Debian's poppler-utils): %v\n%s", err, out)
	}
	return string(out)
}

func TestPDFInVietnamese(t *testing.T) {
	t.Parallel()
	res, body := pdfOK(t, valid, "ctv-own")
	if ct := res.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("Content-Type %q", ct)
	}
	wantCD := `attachment; filename="Chung-nhan-KNKS-01-Nguyen-Thi-Hong-Nhung.pdf"; filename*=UTF-8''Ch%E1%BB%A9ng%20nh%E1%BA%ADn%20KNKS-01%20Nguy%E1%BB%85n%20Th%E1%BB%8B%20H%E1%BB%93ng%20Nhung.pdf`
	if cd := res.Header.Get("Content-Disposition"); cd != wantCD {
		t.Errorf("Content-Disposition\n got %s\nwant %s", cd, wantCD)
	}
	if !bytes.HasPrefix(body, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", body)
	}
	if len(body) > 200<<10 {
		t.Errorf("the PDF is %d bytes: the font is not subset", len(body))
	}
	text := pdfText(t, body)
	textHas(t, text,
		"Nguyễn Thị Hồng Nhung", "Kỹ năng khảo sát nhu cầu", "KNKS-01", string(valid.Code),
		"GIẤY CHỨNG NHẬN", "TRUNG TÂM KHUYẾN CÔNG", "Ngày cấp: 14/03/2026", "Có giá trị đến hết ngày: 14/03/2027",
		baseURL+"/verify/"+string(valid.Code),
	)
	if strings.Contains(text, "Tình trạng") {
		t.Errorf("a valid certificate shows a status line:\n%s", text)
	}
}

func TestPDFInEnglishAndRevoked(t *testing.T) {
	t.Parallel()
	res, body := pdfOK(t, revoked, "coord-en")
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="Certificate-KNKS-01-Pham-Quoc-Bao.pdf"`) {
		t.Errorf("Content-Disposition %s", cd)
	}
	text := pdfText(t, body)
	textHas(t, text, "CERTIFICATE", "Phạm Quốc Bảo", "Needs survey skills", "Issued: 14/03/2026", "Valid until the end of: 14/03/2027", "Status: Revoked", string(revoked.Code))
	if strings.Contains(text, "Kỹ năng khảo sát") {
		t.Errorf("the English PDF shows the course's Vietnamese title:\n%s", text)
	}
}

func TestPDFAccess(t *testing.T) {
	t.Parallel()
	url := server(t, 100, &fakeClock{t: time.Now()})
	for _, c := range []struct {
		token string
		want  int
	}{{"ctv-own", 200}, {"ctv-other", 404}, {"tl-nt", 200}, {"tl-bh", 404}, {"coord-en", 200}, {"", 401}} {
		res, body := get(t, url+"/api/v1/certifications/"+valid.ID+"/pdf", "10.0.0.1", c.token)
		if res.StatusCode != c.want {
			t.Errorf("%q: status %d, want %d: %.200s", c.token, res.StatusCode, c.want, body)
		}
		if c.want != 200 && res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%q: Content-Type %q", c.token, res.Header.Get("Content-Type"))
		}
	}
	res, _ := get(t, url+"/api/v1/certifications/nope/pdf", "10.0.0.1", "coord-en")
	if res.StatusCode != 404 {
		t.Errorf("unknown id: %d", res.StatusCode)
	}
}

// The QR code in the PDF is the one of the verification URL: pdfimages
// takes it out, and it matches, module for module, the code drawn for
// that URL (no QR decoder is among the project's modules).
func TestPDFQRCode(t *testing.T) {
	t.Parallel()
	pdf, err := certpdf.Render(expiring, "vi", baseURL, certpdf.DefaultCenter)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	f := filepath.Join(dir, "c.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdfimages", "-png", f, filepath.Join(dir, "img")).CombinedOutput(); err != nil {
		t.Fatalf("pdfimages (poppler-utils): %v\n%s", err, out)
	}
	imgs, _ := filepath.Glob(filepath.Join(dir, "img-*.png"))
	if len(imgs) != 1 {
		t.Fatalf("the PDF has %d images, want the QR code alone", len(imgs))
	}
	got := decodePNG(t, mustRead(t, imgs[0]))
	want := func(url string) image.Image {
		b, err := certpdf.QR(url, 420)
		if err != nil {
			t.Fatal(err)
		}
		return decodePNG(t, b)
	}
	if !sameDots(got, want(baseURL+"/verify/"+string(expiring.Code))) {
		t.Error("the PDF's QR code is not the one of its verification URL")
	}
	if sameDots(got, want(baseURL+"/verify/"+string(valid.Code))) {
		t.Error("the comparison cannot tell two codes apart")
	}
}

func mustRead(t *testing.T, f string) []byte {
	t.Helper()
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// sameDots: a and b have the same size and the same dark pixels.
func sameDots(a, b image.Image) bool {
	if a.Bounds().Size() != b.Bounds().Size() {
		return false
	}
	dark := func(img image.Image, x, y int) bool {
		r, g, bl, _ := img.At(img.Bounds().Min.X+x, img.Bounds().Min.Y+y).RGBA()
		return r+g+bl < 3*0x8000
	}
	size := a.Bounds().Size()
	for y := 0; y < size.Y; y++ {
		for x := 0; x < size.X; x++ {
			if dark(a, x, y) != dark(b, x, y) {
				return false
			}
		}
	}
	return true
}

func TestVerifyPage(t *testing.T) {
	t.Parallel()
	url := server(t, 100, &fakeClock{t: time.Now()})
	for _, c := range []struct {
		v          certpdf.View
		text, more string
	}{
		{valid, "Còn hiệu lực", ""},
		{expiring, "Sắp hết hạn", ""},
		{expired, "Đã hết hạn", ""},
		{revoked, "Đã thu hồi", "Ngày thu hồi</dt><dd>02/11/2026"},
	} {
		res, body := get(t, url+"/verify/"+string(c.v.Code), "10.0.0.2", "")
		page := string(body)
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: status %d %s: %.300s", c.v.Status, res.StatusCode, res.Header.Get("Content-Type"), page)
		}
		for _, want := range []string{
			`<html lang="vi">`, c.v.FullName, "Kỹ năng khảo sát nhu cầu (KNKS-01)", "14/03/2026", "14/03/2027",
			`<span class="badge ` + string(c.v.Status) + `">` + c.text + `</span>`, c.more, "Trung tâm Khuyến công",
		} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the page lacks %q:\n%s", c.v.Status, want, page)
			}
		}
		if strings.Contains(page, "<script") || strings.Contains(page, c.v.ID) {
			t.Errorf("%s: the page has a script or the certificate's id", c.v.Status)
		}
	}
	// English on request; a code typed in lower case with spaces.
	typed := strings.ToLower(strings.ReplaceAll(string(valid.Code), "-", " "))
	res, body := get(t, url+"/verify/"+strings.ReplaceAll(typed, " ", "%20")+"?lang=en", "10.0.0.2", "")
	if res.StatusCode != 200 || !strings.Contains(string(body), `<span class="badge valid">Valid</span>`) || !strings.Contains(string(body), "Nguyễn Thị Hồng Nhung") ||
		!strings.Contains(string(body), "Needs survey skills (KNKS-01)") || strings.Contains(string(body), "Kỹ năng khảo sát") ||
		!strings.Contains(string(body), certpdf.DefaultCenterEN) {
		t.Errorf("typed code, English: %d %s", res.StatusCode, body)
	}
	for name, path := range map[string]string{
		"unknown":   "/verify/" + string(certification.NewCode()),
		"malformed": "/verify/not-a-code",
		"too short": "/verify/7K2M-9QXD",
	} {
		res, body := get(t, url+path, "10.0.0.2", "")
		if res.StatusCode != 404 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %s", name, res.StatusCode, res.Header.Get("Content-Type"))
		}
		res, body = get(t, url+path, "10.0.0.2", "", "Accept", "application/json")
		if res.StatusCode != 404 || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s, JSON: %d %s %s", name, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
	}
}

func TestVerifyJSON(t *testing.T) {
	t.Parallel()
	url := server(t, 100, &fakeClock{t: time.Now()})
	res, body := get(t, url+"/verify/"+string(revoked.Code), "10.0.0.3", "", "Accept", "application/json")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%d %s: %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"code": string(revoked.Code), "full_name": "Phạm Quốc Bảo", "course_code": "KNKS-01", "course_title": "Kỹ năng khảo sát nhu cầu",
		"issued_at": "2026-03-14T09:00:00+07:00", "expires_at": "2027-03-15T00:00:00+07:00", "status": "revoked",
	}
	if len(got) != len(want) {
		t.Errorf("fields %v, want exactly %v", got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %v, want %v", k, got[k], w)
		}
	}
}

// A burst of guesses from one address is throttled with Retry-After while
// another address still gets through; the bucket refills with the clock.
func TestVerifyThrottle(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{t: time.Date(2026, 12, 5, 8, 0, 0, 0, clock.VN)}
	url := server(t, 5, clk)
	for i := range 5 {
		res, _ := get(t, url+"/verify/"+string(certification.NewCode()), "203.0.113.7", "")
		if res.StatusCode != 404 {
			t.Fatalf("guess %d: %d", i, res.StatusCode)
		}
	}
	res, body := get(t, url+"/verify/"+string(valid.Code), "203.0.113.7", "", "Accept", "application/json")
	if res.StatusCode != 429 || res.Header.Get("Retry-After") != "3" {
		t.Fatalf("6th request: %d Retry-After %q: %s", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	res, body = get(t, url+"/verify/"+string(valid.Code), "203.0.113.7", "")
	if res.StatusCode != 429 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("7th request, a page: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	res, _ = get(t, url+"/verify/"+string(valid.Code), "198.51.100.9", "")
	if res.StatusCode != 200 {
		t.Errorf("another address: %d", res.StatusCode)
	}
	// Signed-in staff opening the links of their list one after another
	// are not held back (helper-66's coordinator met 429 at the 21st);
	// a CTV signed in is, as anyone.
	for _, tok := range []string{"coord-en", "tl-nt"} {
		for i := range 8 {
			if res, _ := get(t, url+"/verify/"+string(valid.Code), "203.0.113.7", tok); res.StatusCode != 200 {
				t.Fatalf("%s, link %d from a limited address: %d", tok, i, res.StatusCode)
			}
		}
	}
	if res, _ := get(t, url+"/verify/"+string(valid.Code), "203.0.113.7", "ctv-own"); res.StatusCode != 429 {
		t.Errorf("a CTV from the limited address: %d", res.StatusCode)
	}
	// One address of an IPv6 /64 is all of it.
	for i := range 5 {
		res, _ = get(t, url+"/verify/"+string(valid.Code), "2001:db8:1:2::"+string(rune('a'+i)), "")
		if res.StatusCode != 200 {
			t.Fatalf("IPv6 %d: %d", i, res.StatusCode)
		}
	}
	if res, _ = get(t, url+"/verify/"+string(valid.Code), "2001:db8:1:2::ff", ""); res.StatusCode != 429 {
		t.Errorf("the /64's 6th request: %d", res.StatusCode)
	}
	clk.Add(3 * time.Second)
	if res, _ = get(t, url+"/verify/"+string(valid.Code), "203.0.113.7", ""); res.StatusCode != 200 {
		t.Errorf("after 3 s: %d", res.StatusCode)
	}
	if res, _ = get(t, url+"/verify/"+string(valid.Code), "203.0.113.7", ""); res.StatusCode != 429 {
		t.Errorf("a second one after 3 s: %d", res.StatusCode)
	}
}

// The cost of the routes themselves, over a loopback connection, with a
// Source that answers at once: go test -run X -bench . ./modules/certification/certpdf/
func BenchmarkVerifyPage(b *testing.B) {
	url := server(b, 1<<30, &fakeClock{t: time.Now()}) + "/verify/" + string(valid.Code)
	for b.Loop() {
		if res, _ := get(b, url, "10.0.0.9", ""); res.StatusCode != 200 {
			b.Fatal(res.StatusCode)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	for b.Loop() {
		if _, err := certpdf.Render(valid, "vi", baseURL, certpdf.DefaultCenter); err != nil {
			b.Fatal(err)
		}
	}
}

// Every Vietnamese letter, with each tone, in both cases, prints from the
// cut-down font and reads back.
func TestPDFEveryVietnameseLetter(t *testing.T) {
	t.Parallel()
	var words []string
	for _, vowel := range []string{"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"} {
		var w strings.Builder
		for _, tone := range []string{"", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"} {
			w.WriteString(norm.NFC.String(vowel + tone))
		}
		words = append(words, w.String(), strings.ToUpper(w.String()))
	}
	words = append(words, "đĐ", "₫")
	v := valid
	v.CourseTitle = strings.Join(words, " ")
	pdf, err := certpdf.Render(v, "vi", baseURL, certpdf.DefaultCenter)
	if err != nil {
		t.Fatal(err)
	}
	textHas(t, pdfText(t, pdf), words...)
	// The text reads back even for a letter the font lacks (it is mapped
	// to Unicode all the same): the fonts' own tables must have a glyph.
	for _, f := range []string{"fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf"} {
		has := cmap(t, mustRead(t, f))
		for _, r := range strings.Join(words, "") + "Trung tâm Khuyến công0123456789/:.-" {
			if !has[r] {
				t.Errorf("%s has no glyph for %q", f, r)
			}
		}
		if has['Ж'] {
			t.Errorf("%s: the check of glyphs finds one for Ж, which the cut-down font lacks", f)
		}
	}
}

// cmap reads the runes a TrueType font has glyphs for, from its cmap
// table's Windows Unicode BMP subtable (format 4).
func cmap(t *testing.T, ttf []byte) map[rune]bool {
	t.Helper()
	u16 := func(b []byte, i int) int { return int(b[i])<<8 | int(b[i+1]) }
	u32 := func(b []byte, i int) int { return u16(b, i)<<16 | u16(b, i+2) }
	var table []byte
	for i := 0; i < u16(ttf, 4); i++ {
		rec := 12 + 16*i
		if string(ttf[rec:rec+4]) == "cmap" {
			off := u32(ttf, rec+8)
			table = ttf[off : off+u32(ttf, rec+12)]
		}
	}
	if table == nil {
		t.Fatal("no cmap table")
	}
	for i := 0; i < u16(table, 2); i++ {
		rec := 4 + 8*i
		if u16(table, rec) != 3 || u16(table, rec+2) != 1 {
			continue
		}
		sub := table[u32(table, rec+4):]
		if u16(sub, 0) != 4 {
			continue
		}
		segs := u16(sub, 6) / 2
		ends, starts, deltas, ranges := 14, 16+2*segs, 16+4*segs, 16+6*segs
		has := map[rune]bool{}
		for s := 0; s < segs; s++ {
			start, end, delta, ro := u16(sub, starts+2*s), u16(sub, ends+2*s), u16(sub, deltas+2*s), u16(sub, ranges+2*s)
			for c := start; c <= end && c != 0xFFFF; c++ {
				g := 0
				if ro == 0 {
					g = (c + delta) & 0xFFFF
				} else if gi := u16(sub, ranges+2*s+ro+2*(c-start)); gi != 0 {
					g = (gi + delta) & 0xFFFF
				}
				if g != 0 {
					has[rune(c)] = true
				}
			}
		}
		return has
	}
	t.Fatal("no Windows Unicode BMP subtable in cmap")
	return nil
}

// service is a fake certification.Service.
type service struct{ v certification.View }

func (s service) Certificate(_ context.Context, _ authz.Scope, id string) (certification.View, error) {
	if id != s.v.ID {
		return certification.View{}, errs.E(errs.NotFound, "no such certificate")
	}
	return s.v, nil
}

func (s service) Verify(_ context.Context, code string) (certification.View, error) {
	if code != string(s.v.VerificationCode) {
		return certification.View{}, errs.E(errs.NotFound, "no certificate has this code")
	}
	return s.v, nil
}

// FromService shows a certificate's current cycle: a renewed one's PDF
// says when it was renewed, with the expiry of that cycle.
func TestFromService(t *testing.T) {
	t.Parallel()
	revokedAt := day(2027, 5, 2)
	cv := certification.View{ID: "c1", CollaboratorID: "c-nhung", FullName: "Nguyễn Thị Hồng Nhung", AreaCode: "NT",
		CourseCode: "KNKS-01", CourseTitle: "Kỹ năng khảo sát nhu cầu", CourseTitleEN: "Needs survey skills", Status: certification.StatusRevoked,
		IssuedAt: day(2025, 3, 14), RenewedAt: day(2026, 3, 1), ExpiresAt: day(2027, 3, 15), ValidUntil: "2027-03-14",
		VerificationCode: valid.Code, RevokedAt: &revokedAt, RevokeReason: "không trung thực"}
	want := certpdf.View{ID: "c1", Code: valid.Code, FullName: cv.FullName, CourseCode: "KNKS-01", CourseTitle: cv.CourseTitle, CourseTitleEN: cv.CourseTitleEN,
		IssuedAt: day(2026, 3, 1), ExpiresAt: day(2027, 3, 15), Status: certification.StatusRevoked, RevokedAt: revokedAt}
	src := certpdf.FromService(service{cv})
	if got, err := src.Verify(context.Background(), string(valid.Code)); err != nil || got != want {
		t.Errorf("Verify: %+v, %v\nwant %+v", got, err, want)
	}
	if got, err := src.Certificate(context.Background(), authz.All, "c1"); err != nil || got != want {
		t.Errorf("Certificate: %+v, %v", got, err)
	}
	if _, err := src.Verify(context.Background(), string(expired.Code)); !errs.Is(err, errs.NotFound) {
		t.Errorf("unknown code: %v", err)
	}
	cv.RenewedAt, cv.RevokedAt = time.Time{}, nil
	if got, _ := certpdf.FromService(service{cv}).Certificate(context.Background(), authz.All, "c1"); !got.IssuedAt.Equal(cv.IssuedAt) || !got.RevokedAt.IsZero() {
		t.Errorf("never renewed: %+v", got)
	}
}

// box is a word pdftotext reads from a PDF and where it lies on the page,
// in points from the top left.
type box struct {
	word                   string
	xMin, yMin, xMax, yMax float64
}

var wordRE = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)

// pdfWords are the words of pdf's first page with their boxes, in the
// order of its content.
func pdfWords(t *testing.T, pdf []byte) []box {
	t.Helper()
	out := pdftotext(t, pdf, "-bbox", "-raw", "-f", "1", "-l", "1")
	var words []box
	for _, m := range wordRE.FindAllStringSubmatch(out, -1) {
		b := box{word: html.UnescapeString(m[5])}
		for i, p := range []*float64{&b.xMin, &b.yMin, &b.xMax, &b.yMax} {
			var err error
			if *p, err = strconv.ParseFloat(m[i+1], 64); err != nil {
				t.Fatal(err)
			}
		}
		words = append(words, b)
	}
	return words
}

// line finds the words of s, one after another, among words.
func line(t *testing.T, words []box, s string) []box {
	t.Helper()
	want := strings.Fields(s)
next:
	for i := 0; i+len(want) <= len(words); i++ {
		for j, w := range want {
			if words[i+j].word != w {
				continue next
			}
		}
		return words[i : i+len(want)]
	}
	t.Fatalf("the PDF has no line %q: %v", s, words)
	return nil
}

// The lines of the certificate's middle keep the margins (20 mm a side)
// and do not overlap: a name or a course title too wide for one line is
// drawn smaller, and if at its smallest it is still too wide, it wraps and
// the lines below it move down.
func TestPDFLongLinesKeepTheirPlace(t *testing.T) {
	t.Parallel()
	const (
		pageW  = 841.89         // A4 landscape, in points
		margin = 20 * 72 / 25.4 // 20 mm
	)
	long := "Công Tằng Tôn Nữ Thị Hoàng Phương Thảo Nguyên Khánh Ly"
	longest := "Công Tằng Tôn Nữ Thị Hoàng Phương Thảo Nguyên Khánh Ly Nguyễn Trần Lê Phạm Huỳnh Võ Đặng Bùi Đỗ Ngô" // 99 letters: a name may have 100
	longTitle := "Kỹ năng khảo sát nhu cầu hỗ trợ của cơ sở công nghiệp nông thôn, lập đề án khuyến công địa phương và theo dõi, đánh giá hiệu quả sau hỗ trợ"
	for _, c := range []struct {
		what, name, title string
		oneLine           bool // each line on one line of the page
	}{
		{"usual", "Nguyễn Thị Hồng Nhung", "Kỹ năng khảo sát nhu cầu", true},
		{"54-letter name", long, "Kỹ năng khảo sát nhu cầu", true},
		{"99-letter name", longest, "Kỹ năng khảo sát nhu cầu", false},
		{"long title", "Nguyễn Thị Hồng Nhung", longTitle, false},
		{"99-letter name, longer title", longest, longTitle + ", " + longTitle, false},
	} {
		v := revoked
		v.FullName, v.CourseTitle = c.name, c.title
		pdf, err := certpdf.Render(v, "vi", baseURL, certpdf.DefaultCenter)
		if err != nil {
			t.Fatal(err)
		}
		words := pdfWords(t, pdf)
		lines := [][]box{
			line(t, words, "Chứng nhận"),
			line(t, words, c.name),
			line(t, words, "đã hoàn thành khóa bồi dưỡng"),
			line(t, words, c.title),
			line(t, words, "Mã khóa học: KNKS-01"),
			line(t, words, "Ngày cấp: 14/03/2026"),
			line(t, words, "Tình trạng:"),
		}
		code := line(t, words, string(v.Code))
		for i, l := range lines {
			top, bottom := l[0].yMin, l[0].yMax
			for _, w := range l {
				if w.xMin < margin || w.xMax > pageW-margin {
					t.Errorf("%s: %q is outside the margins: x %.1f–%.1f pt", c.what, w.word, w.xMin, w.xMax)
				}
				top, bottom = min(top, w.yMin), max(bottom, w.yMax)
			}
			if c.oneLine && bottom-top > 1.5*(l[0].yMax-l[0].yMin) {
				t.Errorf("%s: the line of %q takes more than one line", c.what, l[0].word)
			}
			if i > 0 {
				for _, w := range lines[i-1] {
					if w.yMax > top {
						t.Errorf("%s: %q (down to %.1f pt) reaches into the line of %q (from %.1f pt)", c.what, w.word, w.yMax, l[0].word, top)
						break
					}
				}
			}
			if i == len(lines)-1 && bottom > code[0].yMin {
				t.Errorf("%s: the text reaches down to the verification code (%.1f > %.1f pt)", c.what, bottom, code[0].yMin)
			}
		}
	}
}
