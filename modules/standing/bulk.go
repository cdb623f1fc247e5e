package standing

import "time"

// Many is a standing computed for many people at once from inputs the
// caller read in bulk (a report): no store read, no sessions, so no
// recommendations.
type Many struct {
	Holder Holder
	// Certificates are the person's certificates (any order, statuses at
	// now); Records their quarterly records (any quarters: those that
	// count are picked by the rules).
	Certificates []CertView
	Records      []QuarterRecord
}

// StandingOf is the standing of each of people at now, in their order,
// with the service's rules (content/standing.yaml) and the courses their
// roles require: the same Compute as Of, from the caller's inputs.
func (s *Service) StandingOf(people []Many, now time.Time) []Result {
	out := make([]Result, len(people))
	for i, p := range people {
		req, _, held := s.required(p.Holder, p.Certificates)
		out[i] = Compute(Inputs{Person: Person{ID: p.Holder.ID, Role: p.Holder.Role, Area: p.Holder.Area}, Required: req, Held: held,
			Quarters: p.Records, Contract: contractOf(p.Holder), Config: s.cfg, Now: now})
	}
	return out
}
