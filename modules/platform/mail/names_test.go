package mail_test

import (
	"fmt"
	"net/mail"
	"testing"

	academymail "github.com/ctvacademy/academy/modules/platform/mail"
	"github.com/ctvacademy/academy/modules/platform/mail/mailtest"
)

// A person's name is theirs to write: quotes (balanced or not), angle
// brackets, commas, an address-like text or a spreadsheet formula in it
// still reach them, and their mail client shows the name as written, in
// To as in From (the sender's display name is a setting).
func TestNamesWithQuotesAndBracketsArriveAsWritten(t *testing.T) {
	t.Parallel()
	names := []string{
		`Nguyễn "Bé`,
		`A"> B`,
		`Lê Văn "Tư" <Út>`,
		`=HYPERLINK("http://e","B")`,
		`Trần Văn A <a@b.vn>`,
		`O'Brien, Jr. (CTV)`,
		`Back\slash "and" quote`,
	}
	e := newEnv(t)
	sender, err := academymail.NewSMTPSender(e.srv.URL(), academymail.SMTPOptions{From: academymail.Address{Email: from.Email, Name: `Trung tâm "Khuyến công", tỉnh`}})
	if err != nil {
		t.Fatal(err)
	}
	type queued struct{ id, name string }
	ids := map[string]queued{} // by Message-ID
	for i, name := range names {
		m := invitation(fmt.Sprintf("names:%d", i))
		m.To.Name = name
		id := e.enqueue(t, m)
		ids[academymail.MessageID(id, from)] = queued{id, name}
	}
	w := academymail.NewWorker(e.box, sender, e.clk, academymail.WorkerOptions{Logger: quiet})
	e.runOnce(t, w)
	got := map[string]mailtest.Received{}
	for _, r := range e.srv.Messages() {
		got[r.MessageID] = r
	}
	for mid, q := range ids {
		name := q.name
		r, ok := got[mid]
		if !ok {
			t.Errorf("the mail to %q did not arrive: %+v", name, e.status(t, q.id))
			continue
		}
		to, err := mail.ParseAddressList(r.Header.Get("To"))
		if err != nil || len(to) != 1 || to[0].Name != name || to[0].Address != "an.nguyen@bienhoa.example.vn" {
			t.Errorf("To %q reads %v %v, want %q", r.Header.Get("To"), to, err, name)
		}
		fromList, err := r.Header.AddressList("From")
		if err != nil || len(fromList) != 1 || fromList[0].Name != `Trung tâm "Khuyến công", tỉnh` || fromList[0].Address != from.Email {
			t.Errorf("From %q reads %v %v", r.Header.Get("From"), fromList, err)
		}
	}
}
