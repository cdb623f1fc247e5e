package mail_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/platform/mail"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// panicSender panics on the messages whose subject holds "PANIC" and
// hands the others to the real sender.
type panicSender struct{ inner mail.Sender }

func (p panicSender) Send(ctx context.Context, m mail.Message) error {
	if strings.Contains(m.Subject, "PANIC") {
		panic("cannot encode " + m.ID)
	}
	return p.inner.Send(ctx, m)
}

// One message whose sending panics, one whose stored content and one whose
// envelope does not decode fail alone, with the reason, every other
// message of the batch is delivered over SMTP, and the outbox still lists.
func TestPoisonedMessagesFailAloneAndTheOthersAreDelivered(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		var ids []string
		for i := range 12 {
			m := invitation(fmt.Sprintf("invite:s9:%d", i))
			m.To.Email = fmt.Sprintf("ctv%d@bienhoa.example.vn", i)
			if i == 3 {
				m.Subject = "PANIC " + m.Subject
			}
			ids = append(ids, e.enqueue(t, m))
		}
		// The body of message 7 as no version of this code writes it.
		if _, err := e.db.Collection(mail.BodiesCollection).UpdateOne(e.ctx, bson.D{{Key: "_id", Value: ids[7]}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "text", Value: bson.D{{Key: "x", Value: 1}}}}}}); err != nil {
			t.Fatal(err)
		}
		// The envelope of message 9 likewise.
		if _, err := e.db.Collection(mail.OutboxCollection).UpdateOne(e.ctx, bson.D{{Key: "_id", Value: ids[9]}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "attempts", Value: "many"}}}}); err != nil {
			t.Fatal(err)
		}
		// Another process's worker: it reads the bodies from the store.
		w := mail.NewWorker(mail.NewOutbox(e.db, e.clk), panicSender{e.sender}, e.clk, mail.WorkerOptions{Logger: quiet})
		e.runOnce(t, w)
		if got := len(e.srv.Messages()); got != 9 {
			t.Errorf("%d messages delivered, want 9", got)
		}
		for i, id := range ids {
			d := e.status(t, id)
			switch i {
			case 3:
				if d.Status != mail.Failed || !strings.Contains(d.LastError, "the sender failed on this message") {
					t.Errorf("the message whose sending panics: %+v", d)
				}
			case 7:
				if d.Status != mail.Failed || !strings.Contains(d.LastError, "content cannot be read") {
					t.Errorf("the message whose content does not decode: %+v", d)
				}
			case 9:
				if d.Status != mail.Failed || !strings.Contains(d.LastError, "message cannot be read") || d.Subject != subject {
					t.Errorf("the message whose envelope does not decode: %+v", d)
				}
			default:
				if d.Status != mail.Sent {
					t.Errorf("message %d: %+v", i, d)
				}
			}
		}
		if failed, total, err := e.box.List(e.ctx, mail.Failed, 10, 0); err != nil || total != 3 {
			t.Errorf("failed list: %+v, %d, %v", failed, total, err)
		}
	})
}
