package scheduling

import (
	"bytes"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// People's names are listed in Vietnamese order — not by bytes, which put
// every Đ and accented vowel after z and Nguyễn before Ngô. Each syllable
// (word) compares by CLDR's Vietnamese collation (golang.org/x/text/collate):
// letters before their variants (a < ă < â, o < ô < ơ, u < ư), đ after d and
// before e, a tone after the bare syllable (ha < hà < hạ), case last; and a
// name compares syllable by syllable, as a Vietnamese dictionary does, so
// "Ha Văn Ba" comes before "Hạ Thị Cúc". Full names compare as written
// (family name first), as the registry shows them.
var viNames = struct {
	sync.Mutex
	c   *collate.Collator
	buf collate.Buffer
}{c: collate.New(language.Vietnamese)}

// nameKey is a name's collation key, one per word.
func nameKey(name string) [][]byte {
	words := strings.Fields(name)
	out := make([][]byte, len(words))
	for i, w := range words {
		out[i] = bytes.Clone(viNames.c.KeyFromString(&viNames.buf, w))
		viNames.buf.Reset()
	}
	return out
}

// compareKeys orders two names by their keys; names the collation finds
// equal compare by bytes, so that the order is total.
func compareKeys(ka, kb [][]byte, a, b string) int {
	if c := slices.CompareFunc(ka, kb, bytes.Compare); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// sortByName sorts xs stably by the names name gives, in Vietnamese order
// (compareNames).
func sortByName[T any](xs []T, name func(T) string) {
	type keyed struct {
		key  [][]byte
		name string
		x    T
	}
	ks := make([]keyed, len(xs))
	viNames.Lock()
	for i, x := range xs {
		n := name(x)
		ks[i] = keyed{key: nameKey(n), name: n, x: x}
	}
	viNames.Unlock()
	slices.SortStableFunc(ks, func(a, b keyed) int { return compareKeys(a.key, b.key, a.name, b.name) })
	for i := range ks {
		xs[i] = ks[i].x
	}
}
