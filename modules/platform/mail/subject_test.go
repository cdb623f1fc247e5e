package mail_test

import (
	"context"
	"mime"
	netmail "net/mail"
	"os"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/platform/mail"
)

// The Subject header starts on its own line: "Subject: " then the value
// (plain, or the first encoded word), never an empty first line folded
// onto the next, which Python's email reads as a leading space. Every line
// stays within 76 characters, and the subject decodes back exactly.
func TestSubjectHeaderStartsOnItsLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	snd, err := mail.NewDropSender(dir, mail.Address{Email: "academy@example.vn", Name: "Trung tâm Khuyến công"})
	if err != nil {
		t.Fatal(err)
	}
	for i, subject := range []string{
		"Thư mời tập huấn: Tập huấn chính sách khuyến công và kỹ năng tư vấn cho cơ sở công nghiệp nông thôn",
		"Nhắc lịch: Kỹ năng khảo sát",
		"Short ASCII subject",
		"An ASCII subject long enough that it does not fit on the first line of the header at all",
		"Đổi lịch tập huấn: =?UTF-8?q?not_a_word?= _ ? = 100% (KC-101)",
		strings.Repeat("ữ", 60),
	} {
		id := "subject-" + string(rune('a'+i))
		if err := snd.Send(context.Background(), mail.Message{ID: id, Key: id, To: mail.Address{Email: "an@example.vn", Name: "Nguyễn Văn An"},
			Subject: subject, Text: "x"}); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(snd.Path(id))
		if err != nil {
			t.Fatal(err)
		}
		head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
		lines := strings.Split(head, "\r\n")
		var folded []string
		for j, l := range lines {
			if !strings.HasPrefix(l, "Subject:") {
				continue
			}
			if !strings.HasPrefix(l, "Subject: ") || len(l) <= len("Subject: ") || l[len("Subject: ")] == ' ' {
				t.Errorf("%q: header line %q does not start with the value", subject, l)
			}
			folded = append(folded, l)
			for _, c := range lines[j+1:] {
				if !strings.HasPrefix(c, " ") {
					break
				}
				folded = append(folded, c)
			}
		}
		for _, l := range folded {
			if len(l) > 76 {
				t.Errorf("%q: line of %d characters: %q", subject, len(l), l)
			}
		}
		msg, err := netmail.ReadMessage(strings.NewReader(string(raw)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil || got != subject {
			t.Errorf("subject decodes to %q (%v), want %q; header:\n%s", got, err, subject, strings.Join(folded, "\n"))
		}
	}
}
