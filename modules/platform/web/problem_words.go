package web

import (
	"cmp"
	"regexp"
	"slices"
	"strings"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/i18n"
)

// problemWords says the service's own words about a refused request (a
// problem's detail and its fields' messages, which the API writes in
// English) in an error page's language. The English catalog's problem.*
// entries are those messages as the code writes them, a fmt verb (%s, %d,
// %q, %v) where the message carries a value; a message that matches one
// is said through the same key in the page's language, with the values it
// carried (the translation takes them as %s, or %[n]s). A message no entry
// matches is not shown on a page in another language than English: the
// page says so in its language instead (error.detail_untranslated,
// error.field_untranslated), and the English page keeps the words.
type problemWords struct {
	tr    *i18n.Translator
	exact map[string]string // a message without values → its key
	pats  []problemPattern  // the others, the longest fixed text first
}

// problemPattern is an English problem.* entry with values, as a regexp.
type problemPattern struct {
	key   string
	fixed int // characters of fixed text: the more, the more specific
	re    *regexp.Regexp
}

var problemVerb = regexp.MustCompile(`%[sdqv]`)

// newProblemWords reads the English catalog's problem.* entries.
func newProblemWords(tr *i18n.Translator) *problemWords {
	w := &problemWords{tr: tr, exact: map[string]string{}}
	if tr == nil {
		return w
	}
	for key, en := range tr.Prefixed("en", "problem.") {
		if !problemVerb.MatchString(en) {
			w.exact[strings.ReplaceAll(en, "%%", "%")] = key
			continue
		}
		var re strings.Builder
		re.WriteString("^")
		fixed := 0
		last := 0
		for _, m := range problemVerb.FindAllStringIndex(en, -1) {
			lit := strings.ReplaceAll(en[last:m[0]], "%%", "%")
			fixed += len(lit)
			re.WriteString(regexp.QuoteMeta(lit))
			re.WriteString("(.+?)")
			last = m[1]
		}
		lit := strings.ReplaceAll(en[last:], "%%", "%")
		fixed += len(lit)
		re.WriteString(regexp.QuoteMeta(lit) + "$")
		w.pats = append(w.pats, problemPattern{key: key, fixed: fixed, re: regexp.MustCompile(re.String())})
	}
	slices.SortFunc(w.pats, func(a, b problemPattern) int {
		return cmp.Or(cmp.Compare(b.fixed, a.fixed), strings.Compare(a.key, b.key))
	})
	return w
}

// say is msg in lang, and whether the catalog has it: on an English page
// the service's own words; elsewhere the matching entry's translation.
func (w *problemWords) say(lang, msg string) (string, bool) {
	if lang == "en" || w.tr == nil {
		return msg, true
	}
	if key, ok := w.exact[msg]; ok {
		return w.tr.T(lang, key), true
	}
	for _, p := range w.pats {
		if m := p.re.FindStringSubmatch(msg); m != nil {
			args := make([]any, len(m)-1)
			for i, v := range m[1:] {
				args[i] = v
			}
			return w.tr.T(lang, p.key, args...), true
		}
	}
	return "", false
}

// detail is a problem's detail for a page in lang ("" stays "").
func (w *problemWords) detail(lang, msg string) string {
	if msg == "" {
		return ""
	}
	if s, ok := w.say(lang, msg); ok {
		return s
	}
	return w.tr.T(lang, "error.detail_untranslated")
}

// fields are the fields' messages for a page in lang (a copy).
func (w *problemWords) fields(lang string, fields []errs.FieldError) []errs.FieldError {
	if len(fields) == 0 {
		return nil
	}
	out := make([]errs.FieldError, len(fields))
	for i, f := range fields {
		out[i] = f
		if s, ok := w.say(lang, f.Message); ok {
			out[i].Message = s
		} else {
			out[i].Message = w.tr.T(lang, "error.field_untranslated")
		}
	}
	return out
}
