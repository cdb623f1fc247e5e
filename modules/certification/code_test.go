package certification

import (
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/platform/errs"
)

func TestNewCode(t *testing.T) {
	t.Parallel()
	seen := map[Code]bool{}
	symbols := map[rune]bool{}
	for range 1000 {
		c := NewCode()
		if got, err := ParseCode(string(c)); err != nil || got != c {
			t.Fatalf("ParseCode(%q) = %q, %v", c, got, err)
		}
		if seen[c] {
			t.Fatalf("%q drawn twice", c)
		}
		seen[c] = true
		for _, r := range strings.ReplaceAll(string(c), "-", "") {
			symbols[r] = true
		}
	}
	if len(symbols) != len(codeSymbols) {
		t.Errorf("1000 codes use %d symbols, want all %d", len(symbols), len(codeSymbols))
	}
}

func TestParseCode(t *testing.T) {
	t.Parallel()
	const want = "7K2M-9QXD-0123-4567-89AB-CDEF-GHJK"
	for _, tc := range []struct {
		in, want string // want "": an error
	}{
		{want, want},
		{"7k2m9qxd0123456789abcdefghjk", want},
		{" 7K2M 9QXD 0123 4567 89AB CDEF GHJK ", want},
		{"7k2m-9qxd-o123-4567-89ab-cdef-ghjk", want},
		{"7K2M-9QXD-0I23-4567-89AB-CDEF-GHJK", want},
		{"7K2M-9QXD-0l23-4567-89AB-CDEF-GHJK", want},
		{"", ""},
		{"7K2M-9QXD-0123-4567-89AB-CDEF-GHJ", ""},   // a symbol short
		{"7K2M-9QXD-0123-4567-89AB-CDEF-GHJKM", ""}, // one too many
		{"7K2M-9QXD-0123-4567-89AB-CDEF-GHJU", ""},  // U is no symbol
		{"7K2M-9QXD-0123-4567-89AB-CDEF-GHJ_", ""},
		{"7K2M-9QXD-0123-4567-89AB-CDEF-GHJſ", ""}, // ſ upper-cases to S, and is no symbol
		{"7K2M-9QXD-0123-4567-89AB-CDEF-GHJ\u0130", ""},
		{strings.Repeat(" ", 100) + want, ""},
	} {
		got, err := ParseCode(tc.in)
		switch {
		case tc.want == "" && (err == nil || errs.KindOf(err) != errs.Invalid):
			t.Errorf("ParseCode(%q) = %q, %v; want an invalid-input error", tc.in, got, err)
		case tc.want != "" && (err != nil || string(got) != tc.want):
			t.Errorf("ParseCode(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// FuzzParseCode checks that whatever is typed, ParseCode either refuses it
// or returns a code in its written form that reads back as itself, however
// a person retypes it.
func FuzzParseCode(f *testing.F) {
	for _, s := range []string{
		"7K2M-9QXD-0123-4567-89AB-CDEF-GHJK", "7k2m9qxdo123456789abcdefghjk", "", "----",
		"IIII LLLL OOOO iiii llll oooo UUUU", "7K2M-9QXD-0123-4567-89AB-CDEF-GHJſ", "\xff\xfe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCode(s)
		if err != nil {
			if errs.KindOf(err) != errs.Invalid {
				t.Fatalf("ParseCode(%q): %v is not an invalid-input error", s, err)
			}
			return
		}
		if len(c) != codeLen+codeLen/codeGroup-1 {
			t.Fatalf("ParseCode(%q) = %q: not the written form", s, c)
		}
		for _, retyped := range []string{string(c), strings.ToLower(string(c)), strings.ReplaceAll(string(c), "-", " ")} {
			if again, err := ParseCode(retyped); err != nil || again != c {
				t.Fatalf("ParseCode(%q) = %q, %v; want %q", retyped, again, err, c)
			}
		}
	})
}

func TestReconcileDrawsIDs(t *testing.T) {
	t.Parallel()
	f := Facts{Rule: quizOnly, Passes: []Pass{pass("a1", "2026-03-15 10:00")}, Now: at("2026-04-01 00:00")}
	a, b := Reconcile(f), Reconcile(f)
	if a.Cert.ID == "" || a.Cert.ID == b.Cert.ID || a.Cert.Code == b.Cert.Code {
		t.Errorf("without NewID, two new certificates got ids %q, %q and codes %q, %q", a.Cert.ID, b.Cert.ID, a.Cert.Code, b.Cert.Code)
	}
	if _, err := ParseCode(string(a.Cert.Code)); err != nil {
		t.Errorf("new certificate's code %q: %v", a.Cert.Code, err)
	}
}
