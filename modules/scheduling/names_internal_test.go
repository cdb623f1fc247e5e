package scheduling

import (
	"slices"
	"testing"
)

func TestSortByNameInVietnameseOrder(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   []string
		want []string
	}{
		{"đ after d, before e", []string{"Đỗ Văn Tám", "Dương Thị Hoa", "Bùi Văn An", "Đặng Thị Lan", "Lê Văn Bình"},
			[]string{"Bùi Văn An", "Dương Thị Hoa", "Đặng Thị Lan", "Đỗ Văn Tám", "Lê Văn Bình"}},
		{"o before u (Ngô before Nguyễn)", []string{"Nguyễn Văn An", "Ngô Thị Mai", "Nghiêm Văn Tú"},
			[]string{"Nghiêm Văn Tú", "Ngô Thị Mai", "Nguyễn Văn An"}},
		{"a < ă < â, o < ô < ơ, u < ư", []string{"Ư", "Ơ", "U", "Ô", "Â", "O", "Ă", "A"},
			[]string{"A", "Ă", "Â", "O", "Ô", "Ơ", "U", "Ư"}},
		{"word by word, a tone after the bare syllable", []string{"Hà Văn Tư", "Hải Thị Mơ", "Ha Văn Ba", "Hạ Thị Cúc"},
			[]string{"Ha Văn Ba", "Hà Văn Tư", "Hạ Thị Cúc", "Hải Thị Mơ"}},
		{"names the collation finds equal keep byte order", []string{"Lê Văn A", "Lê Văn A", "Lê văn A"},
			[]string{"Lê văn A", "Lê Văn A", "Lê Văn A"}},
		{"empty", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := slices.Clone(tc.in)
			sortByName(got, func(s string) string { return s })
			if !slices.Equal(got, tc.want) {
				t.Errorf("sorted %q, want %q", got, tc.want)
			}
		})
	}
}
