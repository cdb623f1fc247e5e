package scheduling

import (
	"context"
	"github.com/ctvacademy/academy/modules/platform/clock"

	"github.com/ctvacademy/academy/modules/platform/authz"
)

// ExportRow is one line of an attendance export.
type ExportRow struct {
	Date, Start, End string
	Hours            float64
	Place, Trainer   string
	Session          string
	Person, Code     string
	District         string
	Status           string
}

// Export lists the attendance lines of sessions (already scoped), with
// invitees never marked shown as unmarked; it keeps only the people
// inside scope (a team leader's, their district's).
func (s *Service) Export(ctx context.Context, scope authz.Scope, sessions []Session) ([]ExportRow, error) {
	var ids []string
	for _, x := range sessions {
		for _, m := range x.Attendance {
			ids = append(ids, m.CollaboratorID)
		}
		for _, inv := range x.Invitations {
			ids = append(ids, inv.CollaboratorID)
		}
	}
	people, err := s.d.Directory.People(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []ExportRow
	for _, x := range sessions {
		if x.Status == StatusCancelled {
			continue
		}
		start, end := x.StartsAt.In(vn), x.EndsAt.In(vn)
		base := ExportRow{Date: start.Format("2006-01-02"), Start: start.Format("15:04"), End: end.Format("15:04"),
			Hours: float64(int(x.EndsAt.Sub(x.StartsAt).Minutes()*100/60)) / 100, Place: x.Location, Trainer: x.Trainer, Session: x.Title}
		marked := map[string]string{}
		for _, m := range x.Attendance {
			marked[m.CollaboratorID] = m.Status
		}
		lines := map[string]bool{}
		for _, inv := range x.Invitations {
			lines[inv.CollaboratorID] = true
		}
		for id := range marked {
			lines[id] = true
		}
		var rows []ExportRow
		for id := range lines {
			p, ok := people[id]
			if !ok || !scope.Allows(p.AreaCode, p.ID) {
				continue
			}
			r := base
			r.Person, r.Code, r.District, r.Status = p.Name, p.Code, p.AreaName, marked[id]
			if r.Status == "" {
				r.Status = "unmarked"
			}
			rows = append(rows, r)
		}
		sortByName(rows, func(r ExportRow) string { return r.Person })
		out = append(out, rows...)
	}
	return out, nil
}

// vn is Vietnam's time zone (clock.VN): dates and shown times are in it.
var vn = clock.VN
