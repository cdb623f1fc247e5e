package standing

import (
	"cmp"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
)

// reviewError is a refused decision as the page shows it, at the form of
// the person it names (none: the form renewing every eligible one).
type reviewError struct {
	CollaboratorID string
	Decision       string
	Reason         string // what was typed, shown again
	Field          string // the form field: reason, decision or collaborator_id
	Message        string // an i18n key
	Arg            int
}

// reviewSection is one list of the review page: the eligible or the not
// eligible.
type reviewSection struct {
	ID    string       // eligible or ineligible
	Items []ReviewItem // those of this page
	Total int
}

type reviewPageData struct {
	Quarter        string
	Quarters       []string
	Sections       []reviewSection // the eligible, then the not eligible
	Pending        int             // eligible ones not decided yet
	CanDecide      bool
	Renewed, Ended string // the counts of a decision just taken
	Error          *reviewError
	Max            int
	Prev, Next     string // the pager's links
}

// reviewPage is the quarter's contract review: the contracts ending in it
// (inside the caller's scope), eligible first, with the reasons; a
// coordinator renews every eligible one in one form, or decides one
// person (renew, with an override reason for someone not eligible; end,
// with a reason). Others read it without forms.
func (m *Module) reviewPage(c *fiber.Ctx) error {
	return m.renderReview(c, fiber.StatusOK, m.quarter(c, false), nil)
}

// reviewPageSize is how many contracts a page of the review shows.
const reviewPageSize = 50

func (m *Module) renderReview(c *fiber.Ctx, status int, quarter string, e *reviewError) error {
	_, offset, err := web.Page(c)
	if err != nil {
		return err
	}
	items, err := m.svc.Review(c.UserContext(), web.ScopeOf(c), quarter)
	if err != nil {
		return err
	}
	// The eligible first; a refused decision shows the page of its person.
	slices.SortStableFunc(items, func(a, b ReviewItem) int {
		return cmp.Compare(boolRank(!a.RenewalEligible), boolRank(!b.RenewalEligible))
	})
	if e != nil && e.CollaboratorID != "" {
		if i := slices.IndexFunc(items, func(it ReviewItem) bool { return it.CollaboratorID == e.CollaboratorID }); i >= 0 {
			offset = i / reviewPageSize * reviewPageSize
		}
	}
	d := reviewPageData{Quarter: quarter, Quarters: m.quarterChoices(quarter, 4, 4), Error: e, Max: MaxReason,
		CanDecide: web.PrincipalOf(c).Role == authz.RoleCoordinator, Renewed: c.Query("renewed"), Ended: c.Query("ended")}
	d.Sections = []reviewSection{{ID: "eligible"}, {ID: "ineligible"}}
	for _, it := range items {
		sec := &d.Sections[1]
		if it.RenewalEligible {
			sec = &d.Sections[0]
			if it.Decision == nil {
				d.Pending++
			}
		}
		sec.Total++
	}
	for _, it := range web.Slice(items, reviewPageSize, offset).Items {
		sec := &d.Sections[boolRank(!it.RenewalEligible)]
		sec.Items = append(sec.Items, it)
	}
	link := func(off int) string {
		return "/contracts/review?quarter=" + url.QueryEscape(quarter) + "&offset=" + strconv.Itoa(off)
	}
	if offset > 0 {
		d.Prev = link(max(0, offset-reviewPageSize))
	}
	if offset+reviewPageSize < len(items) {
		d.Next = link(offset + reviewPageSize)
	}
	return m.Platform.Render(c, status, "contract_review", d)
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// reviewDecide takes the decision a form posted: action=renew_eligible
// renews every eligible contract not decided yet; otherwise the form names
// one person, a decision (renew or end) and a reason. A refused decision
// shows the page again with the message at that person's form, and
// changes nothing.
func (m *Module) reviewDecide(c *fiber.Ctx) error {
	ctx, quarter := c.UserContext(), c.Params("quarter")
	if _, err := clock.ParseQuarter(quarter); err != nil {
		return errs.Field("quarter", "must be a quarter like 2026-Q4")
	}
	in := DecisionInput{CollaboratorID: strings.Clone(c.FormValue("collaborator_id")),
		Decision: strings.Clone(c.FormValue("decision")), Reason: strings.Clone(c.FormValue("reason"))}
	var res DecideResult
	var err error
	if c.FormValue("action") == "renew_eligible" {
		in = DecisionInput{}
		res, err = m.svc.RenewEligible(ctx, web.PrincipalOf(c), quarter)
	} else {
		res, err = m.svc.Decide(ctx, web.PrincipalOf(c), quarter, []DecisionInput{in})
	}
	if err != nil {
		k := errs.KindOf(err)
		if k != errs.Invalid && k != errs.Unprocessable {
			return err
		}
		return m.renderReview(c, errs.Status(k), quarter, refusal(err, in))
	}
	applied := 0
	for _, d := range res.Items {
		if d.Applied {
			applied++
		}
	}
	key := "renewed"
	if in.Decision == DecisionEnd {
		key = "ended"
	}
	return c.Redirect(reviewDone(quarter, key, applied), fiber.StatusSeeOther)
}

// reviewDone is the review page of the quarter saying how many contracts
// a decision renewed or ended (key).
func reviewDone(quarter, key string, n int) string {
	return "/contracts/review?quarter=" + url.QueryEscape(quarter) + "&" + key + "=" + strconv.Itoa(n)
}

// refusal says on the page why Decide refused in: the first field it
// named, in the page's words.
func refusal(err error, in DecisionInput) *reviewError {
	e := &reviewError{CollaboratorID: in.CollaboratorID, Decision: in.Decision, Reason: in.Reason, Field: "reason", Message: "review.err.batch"}
	var fields []errs.FieldError
	if x := (*errs.Error)(nil); errors.As(err, &x) {
		fields = x.Fields
	}
	if len(fields) == 0 || in.CollaboratorID == "" {
		return e
	}
	f := fields[0]
	e.Field = f.Field[strings.LastIndex(f.Field, ".")+1:]
	switch {
	case e.Field == "collaborator_id":
		e.Message = "review.err.collaborator"
	case e.Field == "decision" && strings.HasPrefix(f.Message, "already decided"):
		e.Message = "review.err.decided"
	case e.Field == "decision":
		e.Message = "review.err.decision"
	case utf8.RuneCountInString(in.Reason) > MaxReason:
		e.Message, e.Arg = "review.err.reason_long", MaxReason
	case strings.TrimSpace(in.Reason) != "":
		e.Message = "review.err.reason_chars"
	case in.Decision == DecisionEnd:
		e.Message = "review.err.end_reason"
	default:
		e.Message = "review.err.override_reason"
	}
	return e
}

// quarterChoices are the quarters a page offers: before quarters before
// the current one to after quarters after it, and the one chosen when it
// lies outside.
func (m *Module) quarterChoices(chosen string, before, after int) []string {
	cur := clock.QuarterOf(m.svc.clock.Now())
	q := cur
	for range before {
		q = q.Prev()
	}
	var out []string
	seen := false
	for range before + after + 1 {
		out = append(out, q.String())
		seen = seen || q.String() == chosen
		q = q.Next()
	}
	if !seen {
		out = append(out, chosen)
	}
	return out
}

// recognitionDistrict is one district's list on the recognition page.
type recognitionDistrict struct {
	AreaCode, AreaName string
	People             []rankedRow
}

// rankedRow is a ranked person with their attainment written as a
// percentage.
type rankedRow struct {
	Ranked
	Percent string
}

type recognitionPageData struct {
	Quarter   string
	Quarters  []string
	Area      string
	Areas     []recognitionDistrict // every district with someone ranked (the filter's choices)
	Districts []recognitionDistrict // those shown
	Staff     bool                  // the caller chooses the district
	Top       int                   // how many a district lists at most
}

// recognitionPage is the recognition list of a quarter (default: the last
// closed one): per district, the top performers by attainment among those
// in good standing. Staff choose the district; a team leader or a CTV sees
// their own. It prints on A4.
func (m *Module) recognitionPage(c *fiber.Ctx) error {
	scope := web.ScopeOf(c)
	quarter := m.quarter(c, true)
	all, err := m.svc.Recognize(c.UserContext(), scope, quarter, "")
	if err != nil {
		return err
	}
	d := recognitionPageData{Quarter: quarter, Quarters: m.quarterChoices(quarter, 8, 0),
		Staff: scope.Kind == authz.ScopeAll, Top: RecognitionTop}
	if d.Staff {
		d.Area = strings.ToUpper(strings.TrimSpace(c.Query("area_code")))
	}
	for _, r := range all {
		if n := len(d.Areas); n == 0 || d.Areas[n-1].AreaCode != r.AreaCode {
			d.Areas = append(d.Areas, recognitionDistrict{AreaCode: r.AreaCode, AreaName: r.AreaName})
		}
		last := &d.Areas[len(d.Areas)-1]
		last.People = append(last.People, rankedRow{Ranked: r, Percent: percent(r.Attainment)})
	}
	for _, dist := range d.Areas {
		if d.Area == "" || dist.AreaCode == d.Area {
			d.Districts = append(d.Districts, dist)
		}
	}
	return m.Platform.Render(c, fiber.StatusOK, "recognition", d)
}
