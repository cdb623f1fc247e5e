package certification

import (
	"crypto/rand"
	"encoding/hex"
	"strings"

	"github.com/ctvacademy/academy/modules/platform/errs"
)

// Code is a certificate's verification code, in its written form: 28
// symbols of Crockford's base32 (0-9 and A-Z without I, L, O, U) in seven
// groups of four, like "7K2M-9QXD-…". Each symbol carries 5 random bits:
// 140 bits in all.
type Code string

const (
	codeSymbols  = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	codeLen      = 28 // symbols
	codeGroup    = 4  // symbols between dashes
	maxCodeInput = 100
)

// NewCode draws a verification code from crypto/rand.
func NewCode() Code {
	b := make([]byte, codeLen)
	_, _ = rand.Read(b) // never fails (crypto/rand.Read crashes the program instead)
	for i := range b {
		b[i] = codeSymbols[b[i]&31] // 256 is a multiple of 32: uniform
	}
	return group(b)
}

// NewID draws a certificate id and verification code; Facts.NewID in
// production.
func NewID() (string, Code) {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b), NewCode()
}

// ParseCode reads a code as a person types it: any case, with or without
// spaces and dashes, O read as 0 and I or L as 1. It returns the written
// form, or errs.Invalid naming the field "code".
func ParseCode(s string) (Code, error) {
	if len(s) > maxCodeInput {
		return "", errs.Field("code", "too long")
	}
	b := make([]byte, 0, codeLen)
	for _, r := range s {
		if 'a' <= r && r <= 'z' {
			r -= 'a' - 'A' // ASCII only: strings.ToUpper would turn ſ into S
		}
		switch {
		case r == ' ' || r == '-':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		case !strings.ContainsRune(codeSymbols, r):
			return "", errs.Field("code", "%q is not a symbol of a code", r)
		}
		b = append(b, byte(r))
	}
	if len(b) != codeLen {
		return "", errs.Field("code", "has %d symbols, not %d", len(b), codeLen)
	}
	return group(b), nil
}

// group writes symbols in groups of codeGroup joined by dashes.
func group(symbols []byte) Code {
	var w strings.Builder
	for i, c := range symbols {
		if i > 0 && i%codeGroup == 0 {
			w.WriteByte('-')
		}
		w.WriteByte(c)
	}
	return Code(w.String())
}
