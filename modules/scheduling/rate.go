package scheduling

import (
	"context"
)

// Rate is a collaborator's attendance record.
type Rate struct {
	CollaboratorID string  `json:"collaborator_id"`
	Sessions       int     `json:"sessions"` // past sessions they were invited to or marked at
	Present        int     `json:"present"`
	Late           int     `json:"late"`
	Excused        int     `json:"excused"`
	Absent         int     `json:"absent"`
	Unmarked       int     `json:"unmarked"`
	Rate           float64 `json:"rate"` // (present + late) ÷ (sessions − excused)
}

// AttendanceRate computes a collaborator's attendance over past sessions
// that were not cancelled (from their book: entriesOf).
func (s *Service) AttendanceRate(ctx context.Context, collaboratorID string) (Rate, error) {
	es, err := s.entriesOf(ctx, collaboratorID, s.d.Clock.Now())
	if err != nil {
		return Rate{}, err
	}
	r := Rate{CollaboratorID: collaboratorID}
	for _, e := range es {
		if e.Cancelled {
			continue
		}
		r.Sessions++
		switch e.Status {
		case "":
			r.Unmarked++
		case AttendPresent:
			r.Present++
		case AttendLate:
			r.Late++
		case AttendExcused:
			r.Excused++
		case AttendAbsent:
			r.Absent++
		}
	}
	if d := r.Sessions - r.Excused; d > 0 {
		r.Rate = float64(r.Present+r.Late) / float64(d)
	}
	return r, nil
}
