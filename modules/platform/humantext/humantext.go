// Package humantext canonicalises text that people type and others read
// (names, titles, places, reasons): one Unicode form (NFC), no invisible
// characters that would let two different strings look the same, and no
// control characters.
package humantext

import (
	"math"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// invisible reports whether r is a zero-width or direction-override
// character: none has a place in a Vietnamese name or title, and each lets
// a string pass for another one ("Nguyễn\u200bAn" looks like "NguyễnAn").
func invisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, // zero-width space, (non-)joiner, LRM, RLM
		r >= 0x202A && r <= 0x202E, // bidi embeddings and overrides
		r >= 0x2060 && r <= 0x2064, // word joiner, invisible operators
		r >= 0x2066 && r <= 0x2069, // bidi isolates
		r == 0xFEFF,                // zero-width no-break space (BOM)
		r == 0x00AD:                // soft hyphen
		return true
	}
	return false
}

// Line is s as one line of human text: NFC, invisible characters removed,
// spaces trimmed. It leaves control characters in place for Control to find:
// a value with them is refused, never silently changed.
func Line(s string) string {
	return strings.TrimSpace(norm.NFC.String(strings.Map(func(r rune) rune {
		if invisible(r) {
			return -1
		}
		return r
	}, s)))
}

// Name is Line with no-break spaces made spaces and runs of spaces
// collapsed to one, for people's names. Line breaks and tabs stay, for
// Control to refuse.
func Name(s string) string {
	var b strings.Builder
	for _, w := range strings.Split(strings.ReplaceAll(Line(s), "\u00a0", " "), " ") {
		if w == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	return b.String()
}

// Control reports whether s holds a control character (C0, DEL, C1: a
// line break, a bare carriage return, a tab, an escape…) or a Unicode
// line or paragraph separator. With multiline,
// a line feed (and a CR directly before it) is allowed.
func Control(s string, multiline bool) bool {
	for i, r := range s {
		// U+2028 and U+2029 break lines as a newline does (in mail clients,
		// JavaScript and some CSV readers) though Unicode files them apart.
		if !unicode.IsControl(r) && r != '\u2028' && r != '\u2029' {
			continue
		}
		if multiline && (r == '\n' || (r == '\r' && i+1 < len(s) && s[i+1] == '\n')) {
			continue
		}
		return true
	}
	return false
}

// ControlMessage is the message of a field refused by Control.
const ControlMessage = "must not contain control characters (line breaks, tabs, escapes)"

// Percent writes a share (0–1) that a rule compares with thresholds (an
// attainment) as a whole percentage, "59%", rounded down: every page,
// reason and export shows it alike, and a share below a threshold never
// reads as reaching it (0.5967 against 60% is "59%", not "60% < 60%").
func Percent(share float64) string {
	return strconv.Itoa(int(math.Floor(share*100+1e-9))) + "%"
}
