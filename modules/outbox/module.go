// Package outbox is the mail outbox's HTTP side for coordinators: the list
// of messages by delivery status, as JSON and as a page, and the retry of a
// failed message. The outbox itself (queue, worker) is platform/mail.
package outbox

import (
	"context"
	"embed"
	"net/url"
	"strconv"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/mail"
	"github.com/ctvacademy/academy/modules/platform/module"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

//go:embed views/*.html
var views embed.FS

//go:embed policy.csv
var policy string

// Box is what the module needs of the outbox (a *mail.Outbox).
type Box interface {
	// List returns a page of messages with a status ("" for every live
	// one), newest first, and how many there are. Errors: errs.Invalid.
	List(ctx context.Context, status mail.Status, limit, offset int) ([]mail.Delivery, int, error)
	// Retry queues a failed message again. Errors: errs.NotFound,
	// errs.Conflict when it is not failed.
	Retry(ctx context.Context, id string) error
	// Status tells where one message is. Errors: errs.NotFound.
	Status(ctx context.Context, id string) (mail.Delivery, error)
}

// Module serves the outbox's API and page.
type Module struct {
	module.Base
	box Box
}

// NewModule returns the module.
func NewModule(box Box) *Module {
	return &Module{Base: module.Named("outbox", policy, mail.Indexes()...), box: box}
}

// Register adds the outbox page's template and the API and page routes.
func (m *Module) Register(p *web.Platform) error {
	return module.Mount(p, views, m.routes, nil)
}

func (m *Module) routes(*web.Router) {
	api, pages := m.Platform.API, m.Platform.Web
	api.Enum("mail_status", string(mail.Queued), string(mail.Sent), string(mail.Failed))
	api.Get("/outbox", web.Doc{Summary: "Mail in the outbox by status (queued, sent, failed; none: queued and failed), newest first",
		Response: web.List[mail.Delivery]{}, Query: []string{"status=mail_status", "limit", "offset"}}, m.apiList)
	api.Post("/outbox/:id/retry", web.Doc{Summary: "Queue a failed message again", Response: mail.Delivery{}, Errors: []errs.Kind{errs.Conflict}}, m.apiRetry)
	pages.Get("/outbox", web.Doc{}, m.page)
	pages.Post("/outbox/:id/retry", web.Doc{}, m.retryPost)
}

// status reads the status query parameter.
func status(c *fiber.Ctx) (mail.Status, error) {
	s := mail.Status(c.Query("status"))
	switch s {
	case "", mail.Queued, mail.Sent, mail.Failed:
		return s, nil
	}
	return "", errs.Field("status", "must be queued, sent or failed")
}

// messageID is the :id parameter (keys hold colons), which the platform
// has already percent-decoded: decoding it again would turn an id holding
// "%3A" into another one.
func messageID(c *fiber.Ctx) (string, error) {
	id := c.Params("id")
	if id == "" {
		return "", errs.E(errs.NotFound, "no such message")
	}
	return id, nil
}

func (m *Module) apiList(c *fiber.Ctx) error {
	limit, offset, err := web.Page(c)
	if err != nil {
		return err
	}
	st, err := status(c)
	if err != nil {
		return err
	}
	items, total, err := m.box.List(c.UserContext(), st, limit, offset)
	if err != nil {
		return err
	}
	return c.JSON(web.List[mail.Delivery]{Items: items, Total: total})
}

func (m *Module) apiRetry(c *fiber.Ctx) error {
	id, err := m.retry(c)
	if err != nil {
		return err
	}
	d, err := m.box.Status(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

// pageSize is how many messages the page shows at once.
const pageSize = 50

// tab is one status tab of the page.
type tab struct {
	Status  string // "" for the live messages
	Label   string // translation key
	Href    string
	Current bool
}

func (m *Module) page(c *fiber.Ctx) error {
	st, err := status(c)
	if err != nil {
		return err
	}
	offset, _ := strconv.Atoi(c.Query("offset"))
	offset = max(offset, 0)
	items, total, err := m.box.List(c.UserContext(), st, pageSize, offset)
	if err != nil {
		return err
	}
	link := func(s mail.Status, off int) string {
		q := url.Values{}
		if s != "" {
			q.Set("status", string(s))
		}
		if off > 0 {
			q.Set("offset", strconv.Itoa(off))
		}
		if len(q) == 0 {
			return "/outbox"
		}
		return "/outbox?" + q.Encode()
	}
	var tabs []tab
	for _, s := range []mail.Status{"", mail.Failed, mail.Queued, mail.Sent} {
		key := "outbox.tab.live"
		if s != "" {
			key = "outbox.tab." + string(s)
		}
		tabs = append(tabs, tab{Status: string(s), Label: key, Href: link(s, 0), Current: s == st})
	}
	d := struct {
		Status  string
		Tabs    []tab
		Items   []mail.Delivery
		Total   int
		Retried bool
		Pager   web.Pager
	}{Status: string(st), Tabs: tabs, Items: items, Total: total, Retried: c.Query("retried") != ""}
	if offset > 0 {
		d.Pager.Prev = link(st, max(0, offset-pageSize))
	}
	if offset+pageSize < total {
		d.Pager.Next = link(st, offset+pageSize)
	}
	return m.Platform.Render(c, fiber.StatusOK, "outbox", d)
}

// retryPost queues a failed message again and goes back to the failed tab.
func (m *Module) retryPost(c *fiber.Ctx) error {
	if _, err := m.retry(c); err != nil {
		return err
	}
	return c.Redirect("/outbox?status=failed&retried=1", fiber.StatusSeeOther)
}

// retry queues the message of the path's id again and returns the id.
func (m *Module) retry(c *fiber.Ctx) (string, error) {
	id, err := messageID(c)
	if err != nil {
		return "", err
	}
	return id, m.box.Retry(c.UserContext(), id)
}
