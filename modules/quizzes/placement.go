package quizzes

import (
	"context"
	"fmt"
	"slices"

	"github.com/ctvacademy/academy/modules/platform/errs"
)

// An attempt belongs, for every staff view, to the district unit its taker
// is in now (the registry), not to the one they were in when they took it:
// a team leader sees the attempts of the people of their unit and of nobody
// else, and a staff list filtered by a unit lists its people's attempts.
//
// Two things keep it so. Reads place every attempt they return by the
// registry (placed), so an attempt of a person who moved is never shown
// under, or in the scope of, their old unit. And the units' results (what
// staff lists read by `_id`, one document per course and unit) follow the
// person: when the registry moves someone, Rehome moves their entries from
// the old unit's documents to the new one's. The registry itself is the
// durable mark: Rehome is idempotent (add to the new unit, then remove
// from the others, then bump the stamps), and RehomeAll, run at start and
// by a job, compares every unit's entries with the registry and rehomes
// whoever is found in another unit than theirs — what a crash between the
// registry's write and the move left undone, or a grading that raced it.

// placed returns as with each attempt's AreaCode set to its taker's
// current district unit; a taker the registry does not know keeps the
// unit recorded. as is not changed (it may be shared by the units' cache).
func (s *Service) placed(ctx context.Context, as []Attempt) ([]Attempt, error) {
	if s.d.Registry == nil || len(as) == 0 {
		return as, nil
	}
	areas := map[string]string{}
	var out []Attempt // a copy once an attempt is placed elsewhere
	for i, a := range as {
		area, ok := areas[a.CollaboratorID]
		if !ok {
			var err error
			area, err = s.currentArea(ctx, a.CollaboratorID)
			if err != nil {
				return nil, err
			}
			areas[a.CollaboratorID] = area
		}
		if area == "" || area == a.AreaCode {
			continue
		}
		if out == nil {
			out = slices.Clone(as)
		}
		out[i].AreaCode = area
	}
	if out == nil {
		return as, nil
	}
	return out, nil
}

// currentArea is the registry's district unit of a collaborator; "" for
// one it does not know.
func (s *Service) currentArea(ctx context.Context, id string) (string, error) {
	if s.d.Registry == nil {
		return "", nil
	}
	area, _, err := s.d.Registry.Placement(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return "", nil
	}
	return area, err
}

// Rehome moves a collaborator's graded attempts, in the units' results, to
// the unit the registry has them in now, and reports how many entries it
// moved. It is idempotent: run it again after a crash and it finishes
// the move. A collaborator the registry does not know is left alone.
func (s *Service) Rehome(ctx context.Context, collaboratorID string) (int, error) {
	to, err := s.currentArea(ctx, collaboratorID)
	if err != nil || to == "" || s.d.Areas == nil {
		return 0, err
	}
	areas, err := s.d.Areas.AreaCodes(ctx)
	if err != nil {
		return 0, err
	}
	// Every course they have results at, in the catalog or no longer.
	mine, err := s.personResults(ctx, Filter{CollaboratorID: collaboratorID})
	if err != nil {
		return 0, err
	}
	seen := map[string]bool{}
	var codes []string
	for _, c := range s.d.Catalog.Courses() {
		seen[c.Code] = true
		codes = append(codes, c.Code)
	}
	var moved int
	for _, a := range mine {
		if !seen[a.CourseCode] {
			seen[a.CourseCode] = true
			codes = append(codes, a.CourseCode)
		}
	}
	for _, course := range codes {
		n, err := s.d.Store.MoveUnitEntries(ctx, collaboratorID, course, to, areas)
		if err != nil {
			return moved, fmt.Errorf("rehome %s at %s: %w", collaboratorID, course, err)
		}
		moved += n
	}
	return moved, nil
}

// Misplaced returns, in order, the takers of as whose attempts sit in a
// unit other than the one area names for them ("" : unknown, left alone).
func Misplaced(as []Attempt, area func(collaboratorID string) string) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range as {
		if seen[a.CollaboratorID] {
			continue
		}
		if to := area(a.CollaboratorID); to != "" && to != a.AreaCode {
			seen[a.CollaboratorID] = true
			out = append(out, a.CollaboratorID)
		}
	}
	return out
}

// RehomeAll compares every unit's results with the registry and rehomes
// each collaborator found in a unit that is not theirs; it reports how
// many entries it moved. While nothing changed it costs the units' stamps
// (the results are kept in process) and a registry lookup per taker, in
// process.
func (s *Service) RehomeAll(ctx context.Context) (int, error) {
	if s.d.Registry == nil || s.d.Areas == nil {
		return 0, nil
	}
	as, _, err := s.EveryonesGraded(ctx)
	if err != nil {
		return 0, err
	}
	areas := map[string]string{}
	for _, a := range as {
		if _, ok := areas[a.CollaboratorID]; !ok {
			if areas[a.CollaboratorID], err = s.currentArea(ctx, a.CollaboratorID); err != nil {
				return 0, err
			}
		}
	}
	moved := 0
	for _, id := range Misplaced(as, func(id string) string { return areas[id] }) {
		n, err := s.Rehome(ctx, id)
		moved += n
		if err != nil {
			return moved, err
		}
	}
	return moved, nil
}
