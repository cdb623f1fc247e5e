package web

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/gofiber/fiber/v2"
)

// utf8Message is what a refused byte sequence is told.
const utf8Message = "is not valid UTF-8: send text in UTF-8"

// refuseInvalidUTF8 answers 400, naming the parameter, a request whose
// path, query string, form fields or multipart field names, values and file
// names are not valid UTF-8 (decoded, they would silently become U+FFFD).
// JSON bodies are checked by DecodeStrict; the contents of an uploaded file
// by its parser.
func refuseInvalidUTF8(c *fiber.Ctx) error {
	if !utf8.Valid(c.Request().URI().Path()) {
		return errs.Field("path", utf8Message)
	}
	if bad, ok := invalidArg(c.Context().QueryArgs().VisitAll); !ok {
		return errs.Field(bad, utf8Message)
	}
	ct := strings.ToLower(strings.TrimSpace(c.Get(fiber.HeaderContentType)))
	switch {
	case strings.HasPrefix(ct, fiber.MIMEApplicationForm):
		if bad, ok := invalidArg(c.Context().PostArgs().VisitAll); !ok {
			return errs.Field(bad, utf8Message)
		}
	case strings.HasPrefix(ct, fiber.MIMEMultipartForm):
		form, err := c.MultipartForm()
		if err != nil {
			return c.Next() // the handler reports the unreadable form
		}
		for k, vs := range form.Value {
			if !utf8.ValidString(k) {
				return errs.Field("form", "a field name "+utf8Message)
			}
			for _, v := range vs {
				if !utf8.ValidString(v) {
					return errs.Field(k, utf8Message)
				}
			}
		}
		for k, fhs := range form.File {
			if !utf8.ValidString(k) {
				return errs.Field("form", "a field name "+utf8Message)
			}
			for _, fh := range fhs {
				if !utf8.ValidString(fh.Filename) {
					return errs.Field(k, "the file name "+utf8Message)
				}
			}
		}
	}
	return c.Next()
}

// invalidArg visits arguments and returns the name of the first one whose
// name or value is not valid UTF-8 (the name's valid part, with ? for the
// bytes that are not, when the name itself is not).
func invalidArg(visit func(func(k, v []byte))) (string, bool) {
	bad, ok := "", true
	visit(func(k, v []byte) {
		if !ok {
			return
		}
		switch {
		case !utf8.Valid(k):
			bad, ok = string(bytes.ToValidUTF8(k, []byte("?"))), false
		case !utf8.Valid(v):
			bad, ok = string(k), false
		}
	})
	return bad, ok
}

// invalidText reports a JSON body whose text is not valid UTF-8, or that
// spells a lone UTF-16 surrogate (`"\udc00"`): encoding/json turns both
// into U+FFFD without a word. It names the first field (or key) that holds
// the replacement character, "body" when none is found.
func invalidText(body []byte, raw any) (string, bool) {
	if utf8.Valid(body) {
		if !bytes.Contains(body, []byte(`\u`)) && !bytes.Contains(body, []byte(`\U`)) {
			return "", false
		}
		// Escapes: a decoded U+FFFD the body does not spell is a lone surrogate.
		lower := bytes.ToLower(body)
		if bytes.Contains(body, []byte("\uFFFD")) || bytes.Contains(lower, []byte(`\ufffd`)) {
			return "", false
		}
	}
	path := findInJSON(raw, hasReplacement, hasReplacement)
	if path == "" {
		if utf8.Valid(body) {
			return "", false
		}
		path = "body"
	}
	return path, true
}

// hasReplacement reports whether a string or key holds U+FFFD.
func hasReplacement(s string) bool { return strings.ContainsRune(s, utf8.RuneError) }
