package humantext

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestLineAndName(t *testing.T) {
	nfd := norm.NFD.String("Nguyễn Văn An")
	if nfd == "Nguyễn Văn An" {
		t.Fatal("the NFD form should differ")
	}
	cases := []struct {
		fn       func(string) string
		in, want string
	}{
		{Name, "  " + nfd + " ", "Nguyễn Văn An"},
		{Name, "Nguyễn\u200b Văn  \u202eAn", "Nguyễn Văn An"},
		{Name, "\ufeffLê Thị Hoa", "Lê Thị Hoa"},
		{Name, "Lê\u00a0 Hoa\nX", "Lê Hoa\nX"},
		{Line, "Hội trường  UBND", "Hội trường  UBND"},
		{Line, norm.NFD.String("Tập huấn") + "\u2060", "Tập huấn"},
	}
	for _, c := range cases {
		if got := c.fn(c.in); got != c.want {
			t.Errorf("%q → %q, want %q", c.in, got, c.want)
		}
	}
}

func TestControl(t *testing.T) {
	cases := []struct {
		in        string
		multiline bool
		want      bool
	}{
		{"Hội trường", false, false},
		{"Hall\rATTENDEE:x", false, true},
		{"a\nb", false, true},
		{"a\tb", false, true},
		{"a\x1bb", false, true},
		{"a\u0085b", false, true},
		{"a\nb", true, false},
		{"a\r\nb", true, false},
		{"a\rb", true, true},
		{"a\x00b", true, true},
		{"Hội trường\u2028ATTENDEE:x", false, true},
		{"a\u2029b", true, true},
	}
	for _, c := range cases {
		if got := Control(c.in, c.multiline); got != c.want {
			t.Errorf("Control(%q, %v) = %v, want %v", c.in, c.multiline, got, c.want)
		}
	}
}

func TestPercent(t *testing.T) {
	for share, want := range map[float64]string{
		0: "0%", 0.5967: "59%", 0.6: "60%", 0.29: "29%", 0.57: "57%", 0.999: "99%", 1: "100%", 1.25: "125%",
	} {
		if got := Percent(share); got != want {
			t.Errorf("Percent(%v) = %q, want %q", share, got, want)
		}
	}
}
