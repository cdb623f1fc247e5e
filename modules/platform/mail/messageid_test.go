package mail_test

import (
	"bytes"
	"context"
	netmail "net/mail"
	"os"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/platform/mail"
	"github.com/ctvacademy/academy/modules/platform/mail/mailtest"
)

// The Message-ID header is one line, "Message-ID: <id@domain>", however
// long the id (a session update's key is longer than the header's line),
// both in a drop-directory file and as a real SMTP server receives it:
// never "Message-ID:" with the id folded onto the next line, which
// Python's email returns with a leading space. Parsed back, it is exactly
// mail.MessageID.
func TestMessageIDIsOneLine(t *testing.T) {
	t.Parallel()
	from := mail.Address{Email: "academy@example.vn", Name: "Trung tâm Khuyến công"}
	dir := t.TempDir()
	drop, err := mail.NewDropSender(dir, from)
	if err != nil {
		t.Fatal(err)
	}
	srv := mailtest.New(t)
	smtp, err := mail.NewSMTPSender(srv.URL(), mail.SMTPOptions{From: from})
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{
		"update:6f1c2a9b0d3e4f56:a4ca9b364d046eeb:3",
		"certification:7d3269926e535e55:c1:window_open:a4ca9b364d046eeb",
		"invite:s1:p1",
	}
	for i, id := range ids {
		m := mail.Message{ID: id, Key: id, To: mail.Address{Email: "an@example.vn", Name: "Nguyễn Văn An"}, Subject: "Cập nhật", Text: "x"}
		if err := drop.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(drop.Path(id))
		if err != nil {
			t.Fatal(err)
		}
		checkMessageID(t, "drop", raw, mail.MessageID(id, from))
		if err := smtp.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		got := srv.Wait(t, i+1)
		checkMessageID(t, "smtp", got[i].Raw, mail.MessageID(id, from))
	}
}

func checkMessageID(t *testing.T, how string, raw []byte, want string) {
	t.Helper()
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	lines := strings.Split(string(head), "\r\n")
	n := 0
	for i, l := range lines {
		if !strings.HasPrefix(strings.ToLower(l), "message-id:") {
			continue
		}
		n++
		if l != "Message-ID: "+want || (i+1 < len(lines) && strings.HasPrefix(lines[i+1], " ")) {
			t.Errorf("%s: header lines %q, want the one line %q", how, lines[i:min(i+2, len(lines))], "Message-ID: "+want)
		}
	}
	if n != 1 {
		t.Errorf("%s: %d Message-ID headers", how, n)
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Header.Get("Message-ID"); got != want {
		t.Errorf("%s: Message-ID reads %q, want %q", how, got, want)
	}
}
