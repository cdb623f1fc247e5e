package standing

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/humantext"
	"github.com/ctvacademy/academy/modules/platform/store"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// The review's decisions.
const (
	DecisionRenew = "renew"
	DecisionEnd   = "end"
)

// Decision is a decision taken in a quarter's review.
type Decision struct {
	Decision string       `json:"decision" bson:"decision" api:"enum=review_decision"`
	Reason   string       `json:"reason,omitempty" bson:"reason,omitempty"`
	Override bool         `json:"override" bson:"override"` // a renewal of someone not eligible
	By       string       `json:"by" bson:"by"`
	At       time.Time    `json:"at" bson:"at"`
	Before   ContractView `json:"before" bson:"before"` // the contract reviewed
	After    ContractView `json:"after" bson:"after"`   // the contract the decision gave
}

// reviewDoc is a quarter's review: its decisions by collaborator. Its _id
// is the quarter; it is read and written by _id only.
type reviewDoc struct {
	ID        string              `bson:"_id"`
	Decisions map[string]Decision `bson:"decisions"`
	Rev       int64               `bson:"rev"`
}

// Store holds contract_reviews.
type Store struct{ reviews *store.Coll[reviewDoc] }

// NewStore returns the store on db.
func NewStore(db *mongo.Database) *Store {
	return &Store{reviews: store.NewColl[reviewDoc](db, "contract_reviews", "contract review")}
}

// Indexes create the collection at setup (the embedded store then indexes
// its _id).
func Indexes() []store.Index {
	return []store.Index{{Collection: "contract_reviews", Keys: bson.D{{Key: "rev", Value: 1}}, Name: "rev"}}
}

func (st *Store) review(ctx context.Context, q string) (reviewDoc, error) {
	d, err := st.reviews.Get(ctx, q)
	if errs.Is(err, errs.NotFound) {
		return reviewDoc{ID: q, Decisions: map[string]Decision{}}, nil
	}
	if d.Decisions == nil {
		d.Decisions = map[string]Decision{}
	}
	return d, err
}

// ReviewItem is one contract of a quarter's review.
type ReviewItem struct {
	CollaboratorID  string       `json:"collaborator_id"`
	Code            string       `json:"code"`
	FullName        string       `json:"full_name"`
	AreaCode        string       `json:"area_code"`
	AreaName        string       `json:"area_name"`
	Contract        ContractView `json:"contract"`
	Standing        Standing     `json:"standing" api:"enum=standing"`
	RenewalEligible bool         `json:"renewal_eligible"`
	Reasons         []Reason     `json:"reasons"`
	Decision        *Decision    `json:"decision"`
}

// Review lists the contracts inside scope that end in the quarter (and
// those decided in it, whose contract moved on), by district then name,
// with everyone's standing computed in bulk. Errors: errs.Invalid naming
// quarter.
func (s *Service) Review(ctx context.Context, scope authz.Scope, quarter string) ([]ReviewItem, error) {
	q, err := clock.ParseQuarter(quarter)
	if err != nil {
		return nil, errs.Field("quarter", "must be a quarter like 2026-Q4")
	}
	doc, err := s.store.review(ctx, q.String())
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	entries, err := s.bulk(ctx, scope, now, func(h Holder) bool {
		_, decided := doc.Decisions[h.ID]
		return decided || endsIn(h.Contract, q)
	})
	if err != nil {
		return nil, err
	}
	out := make([]ReviewItem, 0, len(entries))
	for _, e := range entries {
		h := e.Holder
		it := ReviewItem{CollaboratorID: h.ID, Code: h.Code, FullName: h.FullName, AreaCode: h.Area, AreaName: h.AreaName,
			Contract: h.Contract, Standing: e.Result.Standing, RenewalEligible: e.Result.RenewalEligible, Reasons: nonNil(e.Result.Reasons)}
		if d, ok := doc.Decisions[h.ID]; ok {
			it.Decision = &d
		}
		out = append(out, it)
	}
	return out, nil
}

// endsIn reports whether the contract's last day falls in the quarter.
func endsIn(c ContractView, q clock.Quarter) bool {
	end := date(c.EndsOn)
	return !end.IsZero() && q.Contains(end)
}

// DecisionInput is one item of POST …/decisions.
type DecisionInput struct {
	CollaboratorID string `json:"collaborator_id" api:"required"`
	Decision       string `json:"decision" api:"required,enum=review_decision"`
	Reason         string `json:"reason"`
}

// DecideResult is the answer of POST …/decisions: each item's contract
// after the decision, and whether this request applied it (false: it was
// already taken).
type DecideResult struct {
	Items []Decided `json:"items"`
}

// Decided is one decision's outcome.
type Decided struct {
	CollaboratorID string       `json:"collaborator_id"`
	Decision       string       `json:"decision"`
	Applied        bool         `json:"applied"`
	Contract       ContractView `json:"contract"`
}

// RenewEligible renews, in one Decide, every contract of the quarter whose
// holder is eligible and that has no decision yet; none such decides
// nothing (an empty result, no error).
func (s *Service) RenewEligible(ctx context.Context, p authz.Principal, quarter string) (DecideResult, error) {
	all, err := s.Review(ctx, authz.All, quarter)
	if err != nil {
		return DecideResult{}, err
	}
	var items []DecisionInput
	for _, it := range all {
		if it.RenewalEligible && it.Decision == nil {
			items = append(items, DecisionInput{CollaboratorID: it.CollaboratorID, Decision: DecisionRenew})
		}
	}
	if len(items) == 0 {
		return DecideResult{}, nil
	}
	return s.Decide(ctx, p, quarter, items)
}

// Decide applies a quarter's decisions, all or none: every item is checked
// first (400 naming [i].field for a malformed one, 422 for a renewal of
// someone not eligible without a reason or a decision that contradicts
// one already taken). A renewal gives the next term (contract_term_months),
// an end sets the contract ended; each is audited, an override with its
// reason. Posting a decision already taken changes nothing (idempotent).
func (s *Service) Decide(ctx context.Context, p authz.Principal, quarter string, items []DecisionInput) (DecideResult, error) {
	q, err := clock.ParseQuarter(quarter)
	if err != nil {
		return DecideResult{}, errs.Field("quarter", "must be a quarter like 2026-Q4")
	}
	if len(items) == 0 {
		return DecideResult{}, errs.Field("body", "must list at least one decision")
	}
	doc, err := s.store.review(ctx, q.String())
	if err != nil {
		return DecideResult{}, err
	}
	reviewed, err := s.Review(ctx, authz.All, q.String())
	if err != nil {
		return DecideResult{}, err
	}
	byID := map[string]ReviewItem{}
	for _, it := range reviewed {
		byID[it.CollaboratorID] = it
	}
	var bad, unproc []errs.FieldError
	seen := map[string]bool{}
	for i, in := range items {
		f := func(name string) string { return fmt.Sprintf("[%d].%s", i, name) }
		// Each item's own fields first, then its collaborator.
		in.Reason = humantext.Line(in.Reason)
		shape := len(bad)
		if id := in.CollaboratorID; id == "" || len(id) > 64 || humantext.Line(id) != id || humantext.Control(id, false) {
			bad = append(bad, errs.FieldError{Field: f("collaborator_id"), Message: "must be a collaborator's id"})
			continue
		}
		if in.Decision != DecisionRenew && in.Decision != DecisionEnd {
			bad = append(bad, errs.FieldError{Field: f("decision"), Message: "must be renew or end"})
		}
		if humantext.Control(in.Reason, false) {
			bad = append(bad, errs.FieldError{Field: f("reason"), Message: "must not contain control characters"})
		} else if utf8.RuneCountInString(in.Reason) > MaxReason {
			bad = append(bad, errs.FieldError{Field: f("reason"), Message: fmt.Sprintf("must be at most %d characters", MaxReason)})
		}
		it, ok := byID[in.CollaboratorID]
		switch {
		case !ok:
			bad = append(bad, errs.FieldError{Field: f("collaborator_id"), Message: "no contract of this collaborator ends in " + q.String()})
			continue
		case seen[in.CollaboratorID]:
			bad = append(bad, errs.FieldError{Field: f("collaborator_id"), Message: "listed twice"})
			continue
		case len(bad) > shape:
			continue
		}
		seen[in.CollaboratorID] = true
		if d, ok := doc.Decisions[in.CollaboratorID]; ok {
			if d.Decision != in.Decision {
				unproc = append(unproc, errs.FieldError{Field: f("decision"), Message: "already decided: " + d.Decision})
			}
			continue
		}
		if in.Decision == DecisionEnd && in.Reason == "" {
			bad = append(bad, errs.FieldError{Field: f("reason"), Message: "an end needs a reason"})
		}
		if in.Decision == DecisionRenew && !it.RenewalEligible && in.Reason == "" {
			why := []string{}
			for _, r := range blocking(it.Reasons) {
				why = append(why, r.Code)
			}
			unproc = append(unproc, errs.FieldError{Field: f("reason"),
				Message: "not eligible for renewal (" + strings.Join(why, ", ") + "): an override needs a reason"})
		}
	}
	if len(bad) > 0 {
		return DecideResult{}, errs.Fields(errs.Invalid, "invalid decisions", bad)
	}
	if len(unproc) > 0 {
		return DecideResult{}, errs.Fields(errs.Unprocessable, "decisions refused", unproc)
	}
	res := DecideResult{Items: []Decided{}}
	for _, in := range items {
		it := byID[in.CollaboratorID]
		if d, ok := doc.Decisions[in.CollaboratorID]; ok {
			res.Items = append(res.Items, Decided{CollaboratorID: in.CollaboratorID, Decision: d.Decision, Contract: d.After})
			continue
		}
		d := Decision{Decision: in.Decision, Reason: humantext.Line(in.Reason), By: p.UserID, At: s.clock.Now(), Before: it.Contract}
		override := ""
		if in.Decision == DecisionRenew {
			d.After = NextTerm(it.Contract, s.cfg.ContractTermMonths)
			if !it.RenewalEligible {
				d.Override, override = true, d.Reason
			}
		} else {
			d.After = EndTerm(it.Contract, d.At)
		}
		// The decision is recorded first: a write that fails after it is
		// repaired by posting again (the contract is then set to d.After).
		if _, err := s.store.reviews.Apply(ctx, q.String(), func(cur *reviewDoc, found bool) error {
			if !found {
				*cur = reviewDoc{ID: q.String()}
			}
			if cur.Decisions == nil {
				cur.Decisions = map[string]Decision{}
			}
			if _, ok := cur.Decisions[in.CollaboratorID]; ok {
				return store.ErrUnchanged
			}
			cur.Decisions[in.CollaboratorID] = d
			return nil
		}); err != nil {
			return DecideResult{}, err
		}
		if err := s.src.SetContract(ctx, in.CollaboratorID, d.After, override); err != nil {
			return DecideResult{}, err
		}
		action := "contract.review." + in.Decision
		if d.Override {
			action = "contract.review.renew_override"
		}
		if err := s.audit.Record(ctx, action, "collaborator", in.CollaboratorID, map[string]any{
			"quarter": q.String(), "reason": d.Reason, "before": d.Before, "after": d.After}); err != nil {
			return DecideResult{}, err
		}
		res.Items = append(res.Items, Decided{CollaboratorID: in.CollaboratorID, Decision: d.Decision, Applied: true, Contract: d.After})
	}
	return res, nil
}

// MaxReason is the longest reason a decision takes.
const MaxReason = 500

// RecognitionTop is how many people a district's recognition list shows.
const RecognitionTop = 10

// Ranked is one person of a recognition list.
type Ranked struct {
	Rank           int     `json:"rank"`
	CollaboratorID string  `json:"collaborator_id"`
	Code           string  `json:"code"`
	FullName       string  `json:"full_name"`
	AreaCode       string  `json:"area_code"`
	AreaName       string  `json:"area_name"`
	Attainment     float64 `json:"attainment"`
}

// Recognize ranks, per district inside scope (one when area is not
// empty), the people in good standing now by their approved attainment of
// the quarter, highest first (ties by name), the first RecognitionTop of
// each district. Errors: errs.Invalid naming quarter.
func (s *Service) Recognize(ctx context.Context, scope authz.Scope, quarter, area string) ([]Ranked, error) {
	q, err := clock.ParseQuarter(quarter)
	if err != nil {
		return nil, errs.Field("quarter", "must be a quarter like 2026-Q3")
	}
	area = strings.ToUpper(strings.TrimSpace(area))
	if area != "" {
		if ok, err := s.src.KnownArea(ctx, area); err != nil {
			return nil, err
		} else if !ok {
			return nil, errs.Field("area_code", "is not a known district unit")
		}
	}
	all, err := s.ranking(ctx, scope, q, area)
	if err != nil {
		return nil, err
	}
	out := []Ranked{}
	for _, r := range all {
		if r.Rank <= RecognitionTop {
			out = append(out, r)
		}
	}
	return out, nil
}

// ranking is every ranked person of the quarter, district by district.
func (s *Service) ranking(ctx context.Context, scope authz.Scope, q clock.Quarter, area string) ([]Ranked, error) {
	recs, err := s.src.QuarterRecords(ctx, q)
	if err != nil {
		return nil, err
	}
	entries, err := s.bulk(ctx, scope, s.clock.Now(), func(h Holder) bool {
		r, ok := recs[h.ID]
		return ok && r.Status == RecordApproved && (area == "" || h.Area == area)
	})
	if err != nil {
		return nil, err
	}
	var out []Ranked
	for _, e := range entries {
		if e.Result.Standing != Good {
			continue
		}
		h := e.Holder
		out = append(out, Ranked{CollaboratorID: h.ID, Code: h.Code, FullName: h.FullName, AreaCode: h.Area, AreaName: h.AreaName, Attainment: recs[h.ID].Attainment})
	}
	slices.SortStableFunc(out, func(a, b Ranked) int {
		if c := strings.Compare(a.AreaCode, b.AreaCode); c != 0 {
			return c
		}
		if a.Attainment != b.Attainment {
			if a.Attainment > b.Attainment {
				return -1
			}
			return 1
		}
		return strings.Compare(a.FullName, b.FullName)
	})
	for i := range out {
		if i > 0 && out[i].AreaCode == out[i-1].AreaCode {
			out[i].Rank = out[i-1].Rank + 1
		} else {
			out[i].Rank = 1
		}
	}
	return out, nil
}

// rankOf is where the person ranks in their district for the quarter
// (nil when they are not ranked).
func (s *Service) rankOf(ctx context.Context, h Holder, q clock.Quarter) (*Recognition, error) {
	all, err := s.ranking(ctx, authz.Scope{Kind: authz.ScopeArea, AreaCode: h.Area}, q, h.Area)
	if err != nil {
		return nil, err
	}
	for _, r := range all {
		if r.CollaboratorID == h.ID {
			return &Recognition{Quarter: q.String(), Rank: r.Rank, Of: len(all), AreaCode: h.Area, AreaName: h.AreaName}, nil
		}
	}
	return nil, nil
}
