package fanout

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/mail"
)

// The catcher receives what the service's SMTP sender sends and finds the
// RSVP token in it, whatever the transfer encoding of the parts.
func TestCatcherReadsTheRSVPLink(t *testing.T) {
	c, err := StartCatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	from := mail.Address{Email: "academy@localhost", Name: "Trung tâm Khuyến công"}
	s, err := mail.NewSMTPSender(c.URL(), mail.SMTPOptions{From: from})
	if err != nil {
		t.Fatal(err)
	}
	token := "Ab-_0123456789abcdefghijklmnopqr"
	long := strings.Repeat("Kính gửi anh/chị, xin mời tham dự buổi tập huấn. ", 5)
	m := mail.Message{ID: "invite:s1:c1", To: mail.Address{Email: "ctv@example.vn", Name: "Nguyễn Văn An"},
		Subject: "Thư mời tập huấn: Kỹ năng", Text: long + "Trả lời tại: http://127.0.0.1:8080/rsvp/" + token + "\n",
		HTML:     "<p>" + long + `<a href="http://127.0.0.1:8080/rsvp/` + token + `">Trả lời</a></p>`,
		Calendar: &mail.Calendar{Method: "REQUEST", ICS: "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"},
		Date:     time.Now()}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := c.Mails()
	if len(got) != 1 {
		t.Fatalf("%d mails caught", len(got))
	}
	if got[0].Token != token {
		t.Errorf("token %q, want %q", got[0].Token, token)
	}
	if want := mail.MessageID(m.ID, from); got[0].MessageID != want {
		t.Errorf("Message-ID %q, want %q", got[0].MessageID, want)
	}
	if got[0].Subject != m.Subject || got[0].To != m.To.Email {
		t.Errorf("subject %q to %q", got[0].Subject, got[0].To)
	}
}
