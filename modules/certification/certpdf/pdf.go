package certpdf

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/ctvacademy/academy/modules/certification"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/skip2/go-qrcode"
)

// The certificate's typeface: DejaVu Sans, cut down to Latin with every
// Vietnamese letter and tone mark (fonts/LICENSE says how, and is its
// licence). fpdf embeds only the glyphs a certificate uses.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

const family = "DejaVu"

// VerifyURL is the address a certificate's QR code leads to:
// baseURL/verify/{code}.
func VerifyURL(baseURL string, code certification.Code) string {
	return strings.TrimRight(baseURL, "/") + "/verify/" + string(code)
}

// QR is the PNG of the QR code of url, size pixels square, at the
// "medium" error correction (a creased printout still scans).
func QR(url string, size int) ([]byte, error) {
	return qrcode.Encode(url, qrcode.Medium, size)
}

// The smallest sizes, in points, the name (24 pt) and the course's title
// (16 pt) shrink to in order to stay on one line; wider still, they wrap.
const (
	nameFloor  = 16
	titleFloor = 12
)

// qrPixels is the size of the QR image in the PDF: enough for 35 mm at
// 300 dpi.
const qrPixels = 420

// Render writes the certificate v as an A4 PDF (landscape) in lang ("vi"
// or "en"), with a QR code to VerifyURL(baseURL, v.Code). center names
// the issuer when v.Center is empty. The PDF's dates are v's (in Vietnam),
// so the same view renders the same text.
func Render(v View, lang, baseURL, center string) ([]byte, error) {
	l := labelsFor(lang)
	if v.Center != "" {
		center = v.Center
	}
	center = CenterIn(center, lang)
	qr, err := QR(VerifyURL(baseURL, v.Code), qrPixels)
	if err != nil {
		return nil, fmt.Errorf("certpdf: qr code: %w", err)
	}

	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetCreationDate(v.IssuedAt)
	pdf.SetModificationDate(v.IssuedAt)
	pdf.SetTitle(l.Title+" "+v.CourseCode+" "+v.FullName, true)
	pdf.SetAuthor(center, true)
	pdf.SetCreator("CTV Academy", false)
	pdf.AddUTF8FontFromBytes(family, "", fontRegular)
	pdf.AddUTF8FontFromBytes(family, "B", fontBold)
	pdf.SetMargins(20, 20, 20)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddPage()
	w, h := pdf.GetPageSize()

	// Frame: a thick and a thin line, in the Center's blue.
	pdf.SetDrawColor(20, 60, 110)
	pdf.SetLineWidth(1.2)
	pdf.Rect(8, 8, w-16, h-16, "D")
	pdf.SetLineWidth(0.3)
	pdf.Rect(11, 11, w-22, h-22, "D")

	text := w - 40 // the width between the margins
	center1 := func(y, size float64, style string, r, g, b int, s string) {
		pdf.SetFont(family, style, size)
		pdf.SetTextColor(r, g, b)
		pdf.SetXY(20, y)
		pdf.MultiCell(text, size*0.5, s, "", "C", false)
	}

	center1(22, 13, "B", 20, 60, 110, strings.ToUpper(center))
	center1(40, 30, "B", 150, 30, 30, l.Title)
	// fit draws s centred between the margins from y, in a cell lineH
	// tall, at size points, or smaller, down to floor, as it takes to keep
	// s on one line; s wider than the text at floor wraps, at floor, in
	// lines as much shorter than lineH as floor is than size. It returns
	// how far below y+lineH the text ends (0 on one line).
	fit := func(y, size, floor, lineH float64, style string, r, g, b int, s string) float64 {
		pdf.SetFont(family, style, size)
		pdf.SetTextColor(r, g, b)
		room := text - 2*pdf.GetCellMargin()
		pt := size
		for pt > floor && pdf.GetStringWidth(s) > room {
			pt = max(pt-0.5, floor)
			pdf.SetFontSize(pt)
		}
		pdf.SetXY(20, y)
		if pdf.GetStringWidth(s) <= room {
			pdf.MultiCell(text, lineH, s, "", "C", false)
			return 0
		}
		pdf.MultiCell(text, lineH*floor/size, s, "", "C", false)
		return max(0, pdf.GetY()-(y+lineH))
	}

	center1(60, 13, "", 40, 40, 40, l.Certifies)
	// The lines below the name move down by as much as it wraps past its
	// one line.
	down := fit(70, 24, nameFloor, 12, "B", 20, 20, 20, v.FullName)
	center1(86+down, 13, "", 40, 40, 40, l.Completed)
	fit(96+down, 16, titleFloor, 8, "B", 20, 60, 110, v.TitleIn(lang))
	pdf.SetFont(family, "", 12)
	pdf.SetTextColor(40, 40, 40)
	pdf.SetX(20)
	pdf.MultiCell(text, 6, l.CourseCode+": "+v.CourseCode, "", "C", false)

	pdf.SetXY(20, pdf.GetY()+5)
	pdf.SetFont(family, "", 13)
	pdf.MultiCell(text, 7, l.Issued+": "+Day(v.IssuedAt)+"     "+l.ValidUntil+": "+ValidUntil(v.ExpiresAt), "", "C", false)
	if v.Status == certification.StatusRevoked || v.Status == certification.StatusExpired {
		pdf.SetFont(family, "B", 13)
		pdf.SetTextColor(160, 20, 20)
		pdf.SetX(20)
		pdf.MultiCell(text, 7, l.StatusLine+": "+l.Status[v.Status], "", "C", false)
	}

	// Bottom left: the QR code and the verification code to type.
	const qrSize = 35.0
	qy := h - 20 - qrSize
	pdf.RegisterImageOptionsReader("qr", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(qr))
	pdf.ImageOptions("qr", 20, qy, qrSize, qrSize, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	pdf.SetTextColor(40, 40, 40)
	pdf.SetFont(family, "", 10)
	pdf.SetXY(20+qrSize+4, qy+6)
	pdf.CellFormat(0, 5, l.Code+":", "", 2, "L", false, 0, "")
	pdf.SetFont(family, "B", 12)
	pdf.CellFormat(0, 6, string(v.Code), "", 2, "L", false, 0, "")
	pdf.SetFont(family, "", 9)
	pdf.CellFormat(0, 5, l.CheckAt+": "+VerifyURL(baseURL, v.Code), "", 2, "L", false, 0, "")

	// Bottom right: where and for whom.
	pdf.SetFont(family, "", 11)
	pdf.SetXY(w/2, h-38)
	pdf.MultiCell(w/2-20, 6, center, "", "R", false)
	pdf.SetFont(family, "", 9)
	pdf.SetX(w / 2)
	pdf.MultiCell(w/2-20, 5, l.CertID+": "+v.ID, "", "R", false)

	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("certpdf: %w", err)
	}
	var out bytes.Buffer
	if err := pdf.Output(&out); err != nil {
		return nil, fmt.Errorf("certpdf: %w", err)
	}
	return out.Bytes(), nil
}

// Day writes t's day in Vietnam as dd/mm/yyyy ("" for the zero time).
func Day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(clock.VN).Format("02/01/2006")
}

// ValidUntil writes the last day a certificate expiring at expiresAt
// covers (certification.Cycle.ValidUntil: the day before the instant).
func ValidUntil(expiresAt time.Time) string {
	if expiresAt.IsZero() {
		return ""
	}
	return Day(expiresAt.In(clock.VN).AddDate(0, 0, -1))
}
