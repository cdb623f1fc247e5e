package scheduling

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"

	"github.com/ctvacademy/academy/modules/platform/clock"
)

// Person is a collaborator as scheduling needs them.
type Person struct {
	ID       string
	Code     string
	Name     string
	Email    string
	AreaCode string
	AreaName string
	Role     string
	Language string
}

// Directory finds people; the collaborators module, handed in from cmd.
type Directory interface {
	// People returns the named collaborators that exist (archived ones excluded).
	People(ctx context.Context, ids []string) (map[string]Person, error)
	// PeopleIn lists the active collaborators of an area and/or role.
	PeopleIn(ctx context.Context, areaCode, role string) ([]Person, error)
	AreaExists(ctx context.Context, code string) (bool, error)
}

// Mail is a message for the outbox.
type Mail struct {
	Key            string // idempotency key: enqueueing it twice sends once
	To             string
	ToName         string
	Subject        string
	Text           string
	HTML           string
	Calendar       string // an iCalendar object, or ""
	CalendarMethod string // REQUEST or CANCEL
	CalendarFile   string // the calendar attachment's name (the template's attachment), e.g. huy-tap-huan.ics
	Lang           string // the language it is written in: vi or en
}

// Mailer queues mail through the outbox and tells how delivery went.
type Mailer interface {
	Enqueue(ctx context.Context, m Mail) error
	// EnqueueAll queues several mails at once, each exactly as Enqueue.
	EnqueueAll(ctx context.Context, ms []Mail) error
	// Delivery returns queued, sent or failed for each key it knows.
	Delivery(ctx context.Context, keys []string) (map[string]string, error)
	// Check tells whether a mail can be queued as it is, without queueing
	// it. Errors: errs.Invalid naming the field (e.g. to.email, subject).
	Check(m Mail) error
}

// Notice kinds.
const (
	NoticeInvite = "invite"
	NoticeUpdate = "update" // place, title or trainer changed: answers kept
	// NoticeReschedule tells of a new date or time and asks to answer again.
	NoticeReschedule = "reschedule"
	NoticeCancel     = "cancel"
	NoticeReminder   = "reminder"
	NoticePromoted   = "promoted"
)

// Composer writes the mail of a notice to a person about a session.
type Composer interface {
	Compose(kind string, s Session, p Person, rsvpURL string) (Mail, error)
}

// CourseCatalog tells whether a course exists.
type CourseCatalog interface {
	Exists(code string) bool
}

// PageDeps are what the staff pages' forms offer besides the sessions: the
// course catalog and the district units, for their selects.
type PageDeps struct {
	// Courses lists the catalog's courses, titled in lang.
	Courses func(lang string) []Choice
	// Areas lists the district units.
	Areas func(ctx context.Context) ([]Choice, error)
}

// CourseChoices lists the catalog's courses, titled in lang.
func (s *Service) CourseChoices(lang string) []Choice { return s.d.Pages.Courses(lang) }

// AreaChoices lists the district units.
func (s *Service) AreaChoices(ctx context.Context) ([]Choice, error) { return s.d.Pages.Areas(ctx) }

// Auditor records changes.
type Auditor interface {
	Record(ctx context.Context, action, entity, entityID string, changes map[string]any) error
}

// Deps are the service's collaborators.
type Deps struct {
	Store     *Store
	Directory Directory
	Mailer    Mailer
	Composer  Composer
	Courses   CourseCatalog
	Pages     PageDeps
	Audit     Auditor
	Clock     clock.Clock
	Logger    *slog.Logger
	BaseURL   string
	// TokenKey derives RSVP tokens; shared by every process.
	TokenKey []byte
	// Marked, when set, is told whose attendance was just recorded (after
	// the mark and the attendance books are written); its failure is
	// logged and never fails the mark.
	Marked func(ctx context.Context, collaboratorIDs []string) error
}

// Service schedules sessions.
type Service struct {
	d Deps
}

// NewService returns the scheduling service.
func NewService(d Deps) *Service {
	d.Clock = clock.Or(d.Clock)
	d.Logger = cmp.Or(d.Logger, slog.Default())
	if d.Pages.Courses == nil {
		d.Pages.Courses = func(string) []Choice { return nil }
	}
	if d.Pages.Areas == nil {
		d.Pages.Areas = func(context.Context) ([]Choice, error) { return nil, nil }
	}
	return &Service{d: d}
}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// NoticeKey is the outbox key of a notice: the invitation is sent once per
// invitee; every other notice once per invitee and session sequence.
func NoticeKey(kind string, x Session, collaboratorID string) string {
	if kind == NoticeInvite {
		return fmt.Sprintf("%s:%s:%s", kind, x.ID, collaboratorID)
	}
	return fmt.Sprintf("%s:%s:%s:%d", kind, x.ID, collaboratorID, x.Sequence)
}
