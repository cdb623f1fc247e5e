package app

import (
	"context"

	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/mail"
	"github.com/ctvacademy/academy/modules/scheduling"
)

// directory answers scheduling's questions about people from the registry.
type directory struct {
	reg *collaborators.Service
}

func (d directory) person(c collaborators.Collaborator, areas map[string]string) scheduling.Person {
	return scheduling.Person{ID: c.ID, Code: c.Code, Name: c.FullName, Email: c.Email, AreaCode: c.AreaCode,
		AreaName: areas[c.AreaCode], Role: c.Role}
}

func (d directory) areaNames(ctx context.Context) (map[string]string, error) {
	areas, err := d.reg.Areas(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(areas))
	for _, a := range areas {
		out[a.Code] = a.Name
	}
	return out, nil
}

func (d directory) People(ctx context.Context, ids []string) (map[string]scheduling.Person, error) {
	areas, err := d.areaNames(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]scheduling.Person, len(ids))
	for _, id := range ids {
		if _, done := out[id]; done {
			continue
		}
		c, err := d.reg.Get(ctx, authz.All, id)
		if err != nil || c.Archived {
			continue
		}
		out[id] = d.person(c, areas)
	}
	return out, nil
}

func (d directory) PeopleIn(ctx context.Context, areaCode, role string) ([]scheduling.Person, error) {
	areas, err := d.areaNames(ctx)
	if err != nil {
		return nil, err
	}
	list, err := d.reg.List(ctx, authz.All, collaborators.Filter{AreaCode: areaCode, Role: role})
	if err != nil {
		return nil, err
	}
	out := make([]scheduling.Person, len(list))
	for i, c := range list {
		out[i] = d.person(c, areas)
	}
	return out, nil
}

func (d directory) AreaExists(ctx context.Context, code string) (bool, error) {
	areas, err := d.areaNames(ctx)
	if err != nil {
		return false, err
	}
	_, ok := areas[code]
	return ok, nil
}

// catalogCourses tells scheduling which courses exist and their titles.
type catalogCourses struct{ cat *courses.Catalog }

func (c catalogCourses) Exists(code string) bool { _, ok := c.cat.Course(code); return ok }

func (c catalogCourses) Title(code, lang string) string {
	if x, ok := c.cat.Course(code); ok {
		return x.Title.In(lang)
	}
	return code
}

// outboxMailer queues scheduling's mail in the outbox.
type outboxMailer struct{ o *mail.Outbox }

func (m outboxMailer) Enqueue(ctx context.Context, x scheduling.Mail) error {
	_, err := m.o.Enqueue(ctx, messageOf(x))
	return err
}

func (m outboxMailer) EnqueueAll(ctx context.Context, xs []scheduling.Mail) error {
	msgs := make([]mail.Message, len(xs))
	for i, x := range xs {
		msgs[i] = messageOf(x)
	}
	_, err := m.o.EnqueueMany(ctx, msgs)
	return err
}

// Check validates the mail as the outbox would, without queueing it.
func (m outboxMailer) Check(x scheduling.Mail) error { return messageOf(x).Validate() }

func messageOf(x scheduling.Mail) mail.Message {
	msg := mail.Message{Key: x.Key, To: mail.Address{Email: x.To, Name: x.ToName}, Subject: x.Subject, Text: x.Text, HTML: x.HTML}
	if x.Calendar != "" {
		msg.Calendar = &mail.Calendar{Method: x.CalendarMethod, ICS: x.Calendar}
	}
	return msg
}

func (m outboxMailer) Delivery(ctx context.Context, keys []string) (map[string]string, error) {
	st, err := m.o.Statuses(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(st))
	for k, v := range st {
		out[k] = string(v)
	}
	return out, nil
}

// areaCodes lists the registry's district units for the quiz rosters.
type areaCodes struct {
	reg *collaborators.Service
}

func (a areaCodes) AreaCodes(ctx context.Context) ([]string, error) {
	areas, err := a.reg.Areas(ctx)
	if err != nil {
		return nil, err
	}
	codes := make([]string, len(areas))
	for i, x := range areas {
		codes[i] = x.Code
	}
	return codes, nil
}
