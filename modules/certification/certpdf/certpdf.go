// Package certpdf shows a certificate to people: the A4 PDF a collaborator
// downloads (GET /api/v1/certifications/{id}/pdf) and the public
// verification page its QR code leads to (GET /verify/{code}). It reads
// certificates through a Source and keeps no records of its own; Register
// joins it to the platform.
package certpdf

import (
	"context"
	"embed"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/ctvacademy/academy/modules/certification"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
	"golang.org/x/text/unicode/norm"
)

//go:embed views/*.html
var views embed.FS

// View is a certificate as the PDF and the verification page show it.
type View struct {
	ID          string
	Code        certification.Code
	FullName    string
	CourseCode  string
	CourseTitle string
	// CourseTitleEN is the course's title in English ("" when it has none).
	CourseTitleEN string
	// IssuedAt is when the current cycle was issued.
	IssuedAt time.Time
	// ExpiresAt is the current cycle's ExpiresAt: the first instant it no
	// longer covers (certification.Cycle). The PDF and the page show the
	// day before it, Cycle.ValidUntil.
	ExpiresAt time.Time
	// Status is the status now (certification.StatusAt).
	Status    certification.Status
	RevokedAt time.Time // zero unless revoked
	// Center names the issuer; Options.Center when empty.
	Center string
}

// Source reads certificates for the routes.
type Source interface {
	// Certificate returns the view of certificate id as the principal of
	// the request may see it (errs.NotFound / errs.Forbidden otherwise).
	Certificate(ctx context.Context, scope authz.Scope, id string) (View, error)
	// Verify returns the public view of the certificate with this
	// verification code, in its written form (certification.ParseCode);
	// errs.NotFound for unknown codes.
	Verify(ctx context.Context, code string) (View, error)
}

// Options configure the routes.
type Options struct {
	// BaseURL is ACADEMY_BASE_URL: the QR codes lead to BaseURL/verify/{code}.
	BaseURL string
	// Center names the issuer when a View does not ("Trung tâm Khuyến công").
	Center string
	// Burst and Every limit the verification page per client: Burst
	// requests at once, then one more per Every (DefaultBurst, DefaultEvery
	// when zero).
	Burst int
	Every time.Duration
	// Now is the clock of the limiter (time.Now when nil).
	Now func() time.Time
}

// The verification page's default limit per client: a person checking a
// few certificates never meets it; a guesser gets one try per 3 s.
const (
	DefaultBurst  = 20
	DefaultEvery  = 3 * time.Second
	DefaultCenter = "Trung tâm Khuyến công"
	// DefaultCenterEN is DefaultCenter on an English page or PDF: the
	// name in English, with the Vietnamese one it is known by.
	DefaultCenterEN = "Industrial Extension Center (Trung tâm Khuyến công)"
)

// CenterIn is the issuer's name in lang: DefaultCenter reads as
// DefaultCenterEN in English; another name (Options.Center, a View's) is
// the Center's own and stays as given.
func CenterIn(center, lang string) string {
	if lang == "en" && center == DefaultCenter {
		return DefaultCenterEN
	}
	return center
}

// Handlers serve the two routes.
type Handlers struct {
	src   Source
	opts  Options
	limit *Limiter
	p     *web.Platform
}

// Register adds the verification page's template and the two routes: GET
// /api/v1/certifications/:id/pdf and the public GET /verify/:code. Each
// needs its lines in the module's policy: the PDF for coordinator, admin
// and leadership (all), team_leader (area), ctv (own); /verify/:code for
// anonymous and every role (all).
func Register(p *web.Platform, src Source, opts Options) error {
	h := New(p, src, opts)
	if err := p.RegisterViews(views, "views/*.html"); err != nil {
		return err
	}
	p.API.Get("/certifications/:id/pdf", web.Doc{
		Summary: "The certificate as an A4 PDF (Vietnamese, or English for an English-speaking caller) with a QR code to its verification page",
		Content: "application/pdf",
	}, h.PDF)
	p.Web.Get("/verify/:code", web.Doc{}, h.Verify)
	return nil
}

// New makes the handlers (Register uses them; p renders the page).
func New(p *web.Platform, src Source, opts Options) *Handlers {
	if opts.Center == "" {
		opts.Center = DefaultCenter
	}
	if opts.Burst <= 0 {
		opts.Burst = DefaultBurst
	}
	if opts.Every <= 0 {
		opts.Every = DefaultEvery
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Handlers{src: src, opts: opts, p: p, limit: NewLimiter(opts.Burst, opts.Every)}
}

// PDF answers the certificate as a PDF attachment.
func (h *Handlers) PDF(c *fiber.Ctx) error {
	v, err := h.src.Certificate(c.UserContext(), web.ScopeOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	lang := web.Lang(c)
	b, err := Render(v, lang, h.opts.BaseURL, h.opts.Center)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, Disposition(labelsFor(lang).File, v))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(b)
}

// Disposition is the Content-Disposition of v's PDF: an ASCII file name
// for old clients and the UTF-8 one (RFC 6266), e.g. "Chứng nhận KNKS-01
// Nguyễn Thị Hồng Nhung.pdf".
func Disposition(word string, v View) string {
	name := word + " " + v.CourseCode + " " + v.FullName + ".pdf"
	return `attachment; filename="` + asciiName(name) + `"; filename*=UTF-8''` + strings.ReplaceAll(url.PathEscape(name), "+", "%2B")
}

// asciiName folds a file name to ASCII: accents dropped (đ as d), spaces as
// dashes, anything else that is neither a letter, a digit nor . - _ left
// out.
func asciiName(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case r == 'đ':
			r = 'd'
		case r == 'Đ':
			r = 'D'
		case unicode.Is(unicode.Mn, r):
			continue
		case r == ' ':
			r = '-'
		}
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(".-_", r)) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TitleIn is the course's title in lang: English for "en" when the
// course has one, else Vietnamese.
func (v View) TitleIn(lang string) string {
	return certification.CourseTitleIn(v.CourseTitle, v.CourseTitleEN, lang)
}

// verifyJSON is the public JSON of a certificate: no more than the page
// shows.
type verifyJSON struct {
	Code        string    `json:"code"`
	FullName    string    `json:"full_name"`
	CourseCode  string    `json:"course_code"`
	CourseTitle string    `json:"course_title"`
	IssuedAt    time.Time `json:"issued_at"`
	ExpiresAt   time.Time `json:"expires_at"`
	Status      string    `json:"status"`
}

// pageData is the verification page's dot.Data.
type pageData struct {
	L                             labels
	V                             View
	Status, Meaning               string
	Issued, ValidUntil, RevokedOn string
	Center                        string
}

// Verify answers the public verification page (JSON for a client that
// asks for it). Every request but a signed-in staff member's counts
// against the client's limit; an unknown or malformed code is 404.
func (h *Handlers) Verify(c *fiber.Ctx) error {
	c.Set("X-Robots-Tag", "noindex")
	// Staff open the links of their certificate lists one after another;
	// the limit is for guessers.
	staff := web.PrincipalOf(c).Authenticated() && web.PrincipalOf(c).Role != authz.RoleCTV
	if !staff {
		if ok, wait := h.limit.Allow(clientKey(web.ClientOf(c)), h.opts.Now()); !ok {
			return &errs.Error{Kind: errs.TooManyRequests, Message: "too many verifications from this address; wait and try again", RetryAfter: wait}
		}
	}
	code, err := certification.ParseCode(c.Params("code"))
	if err != nil {
		return errs.E(errs.NotFound, "no certificate has this code")
	}
	v, err := h.src.Verify(c.UserContext(), string(code))
	if err != nil {
		return err
	}
	if wantsJSON(c) {
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.JSON(verifyJSON{
			Code: string(v.Code), FullName: v.FullName, CourseCode: v.CourseCode, CourseTitle: v.CourseTitle,
			IssuedAt: v.IssuedAt, ExpiresAt: v.ExpiresAt, Status: string(v.Status),
		})
	}
	lang := web.Lang(c)
	l := labelsFor(lang)
	center := v.Center
	if center == "" {
		center = h.opts.Center
	}
	center = CenterIn(center, lang)
	d := pageData{L: l, V: v, Status: l.Status[v.Status], Meaning: l.Meaning[v.Status],
		Issued: Day(v.IssuedAt), ValidUntil: ValidUntil(v.ExpiresAt), Center: center}
	if v.Status == certification.StatusRevoked {
		d.RevokedOn = Day(v.RevokedAt)
	}
	return h.p.Render(c, fiber.StatusOK, "certificate_verify", d)
}

// wantsJSON: the client asked for JSON and not for a page.
func wantsJSON(c *fiber.Ctx) bool {
	a := c.Get(fiber.HeaderAccept)
	return strings.Contains(a, "application/json") && !strings.Contains(a, "text/html")
}
