package collaborators

import (
	"context"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/store"
)

// Lapsed says whether a contract's term is over on day today (YYYY-MM-DD,
// in Vietnam) while the record still calls it running: its last day is
// before today and its status is not ended. Such a contract is recorded
// ended; a contract without an end date never lapses.
func Lapsed(c Contract, today string) bool {
	return c.Status != ContractEnded && c.EndsOn != "" && c.EndsOn < today
}

// Lapse records as ended every contract whose last day has passed (a
// review's "end", or a term nobody renewed), so that the record, its list
// filter and its API say what standing, the stipend sheet and the reports
// already count. The change is a new version of the contract from today
// (the days it covered keep the status they were worked under) and is
// audited as contract.lapsed. It returns how many contracts it ended.
func (s *Service) Lapse(ctx context.Context) (n int, err error) {
	defer errs.Wrap(&err, "collaborators.Lapse")
	snap, err := s.current(ctx)
	if err != nil {
		return 0, err
	}
	now := s.d.Clock.Now()
	today := now.In(clock.VN).Format(time.DateOnly)
	for _, c := range snap.list {
		if !Lapsed(c.Contract, today) {
			continue
		}
		var changes map[string]any
		_, err := s.d.Store.Update(ctx, c.ID, now, func(cur *Collaborator) error {
			if !Lapsed(cur.Contract, today) {
				return store.ErrUnchanged
			}
			next := *cur
			next.Contract.Status = ContractEnded
			next.ContractHistory = ContractHistory(cur.ContractHistory, cur.Contract, next.Contract, today)
			changes = diff(*cur, next)
			*cur = next
			return nil
		})
		if err != nil {
			return n, err
		}
		if changes == nil {
			continue // another process ended it first
		}
		n++
		changes["ends_on"] = c.Contract.EndsOn
		if err := s.d.Audit.Record(ctx, "contract.lapsed", "collaborator", c.ID, changes); err != nil {
			return n, err
		}
	}
	if n > 0 {
		err = s.changed(ctx)
	}
	return n, err
}
