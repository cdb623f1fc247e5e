// Package performance keeps each collaborator's quarterly record: targets
// (their own, or the default a coordinator set for their role and
// district), actuals, and the draft → submitted → approved review, scored
// as attainment with the weights of content/standing.yaml.
package performance

import (
	"time"

	"github.com/ctvacademy/academy/modules/standing"
)

// Statuses of a record, in the order it moves through them.
const (
	Draft     = "draft"
	Submitted = "submitted"
	Approved  = "approved"
)

// Statuses lists every status.
var Statuses = []string{Draft, Submitted, Approved}

// NoRecord is a stipend row's record status when nobody has written the
// person's record of the quarter: no report at all, which a draft is not.
const NoRecord = "none"

// StipendRecordStatuses are the record statuses a stipend row may show.
var StipendRecordStatuses = append([]string{NoRecord}, Statuses...)

// Where a record's targets come from.
const (
	FromPerson  = "person"  // set for this person and quarter
	FromDefault = "default" // the default for their role and district
	FromNone    = "none"    // nothing set: every target is 0
)

// Targets are a quarter's goals. The report on time has no target: a
// report is due every quarter, so its target is always 1.
type Targets struct {
	Profiles  int `json:"profiles" bson:"profiles"`
	Surveys   int `json:"surveys" bson:"surveys"`
	Referrals int `json:"referrals" bson:"referrals"`
}

// Actuals are what was done in the quarter.
type Actuals struct {
	Profiles     int  `json:"profiles" bson:"profiles"`
	Surveys      int  `json:"surveys" bson:"surveys"`
	Referrals    int  `json:"referrals" bson:"referrals"`
	ReportOnTime bool `json:"report_on_time" bson:"report_on_time"`
}

// Record is one collaborator's quarter. Its _id is
// "<collaborator_id>:<quarter>".
type Record struct {
	ID             string `json:"-" bson:"_id"`
	CollaboratorID string `json:"collaborator_id" bson:"collaborator_id"`
	// FullName is the person's name in lists (not stored).
	FullName string  `json:"full_name,omitempty" bson:"-"`
	Quarter  string  `json:"quarter" bson:"quarter"`
	AreaCode string  `json:"area_code" bson:"area_code"`
	Role     string  `json:"role" bson:"role" api:"enum=collaborator_role"`
	Targets  Targets `json:"targets" bson:"targets"`
	// TargetsSource: person, default or none. Until the record is
	// approved, default targets follow the coordinator's current default.
	TargetsSource string  `json:"targets_source" bson:"targets_source" api:"enum=performance_targets_source"`
	Actuals       Actuals `json:"actuals" bson:"actuals"`
	Status        string  `json:"status" bson:"status" api:"enum=performance_status"`
	// Attainment is 0 to 1 (content/standing.yaml's weights).
	Attainment  float64    `json:"attainment" bson:"attainment"`
	SubmittedBy string     `json:"submitted_by,omitempty" bson:"submitted_by,omitempty"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty" bson:"submitted_at,omitempty"`
	ApprovedBy  string     `json:"approved_by,omitempty" bson:"approved_by,omitempty"`
	ApprovedAt  *time.Time `json:"approved_at,omitempty" bson:"approved_at,omitempty"`
	UpdatedBy   string     `json:"updated_by,omitempty" bson:"updated_by,omitempty"`
	UpdatedAt   *time.Time `json:"updated_at,omitempty" bson:"updated_at,omitempty"`
	// Stored is false for a quarter nobody has written yet: the answer
	// shows the targets that apply, zero actuals, status draft.
	Stored bool  `json:"stored" bson:"-"`
	Rev    int64 `json:"rev" bson:"rev"`
}

// Change is a PUT's body: the actuals, and the person's own targets
// (coordinators only; others may send the targets that apply unchanged).
type Change struct {
	Targets *Targets `json:"targets"`
	Actuals *Actuals `json:"actuals"`
}

// Default is the default targets for one role in one district.
type Default struct {
	Role     string  `json:"role" bson:"role" api:"required,enum=collaborator_role"`
	AreaCode string  `json:"area_code" bson:"area_code" api:"required"`
	Targets  Targets `json:"targets" bson:"targets"`
}

// quarterDoc is one quarter: its default targets and the ids of its
// records, so that a quarter is listed by reading its records by _id.
type quarterDoc struct {
	ID string `bson:"_id"`
	// Defaults are held in Packed (gzipped JSON, see summaryDoc.Data:
	// a quarter has one per role and district, and is read by every
	// request); a document written before that holds them here.
	Defaults  []Default  `bson:"defaults,omitempty"`
	Packed    []byte     `bson:"packed,omitempty"`
	Records   []string   `bson:"records"`
	UpdatedBy string     `bson:"updated_by,omitempty"`
	UpdatedAt *time.Time `bson:"updated_at,omitempty"`
	Rev       int64      `bson:"rev"`
}

// Defaults answers GET /api/v1/performance/targets/{quarter}.
type Defaults struct {
	Quarter string    `json:"quarter"`
	Items   []Default `json:"items"`
}

func (d *quarterDoc) defaultFor(role, area string) (Targets, bool) {
	for _, x := range d.Defaults {
		if x.Role == role && x.AreaCode == area {
			return x.Targets, true
		}
	}
	return Targets{}, false
}

// kpis are targets and actuals as standing scores them.
func kpis(t Targets, a Actuals) (targets, actuals standing.KPIs) {
	rep := 0.0
	if a.ReportOnTime {
		rep = 1
	}
	return standing.KPIs{standing.Profiles: float64(t.Profiles), standing.Surveys: float64(t.Surveys), standing.Referrals: float64(t.Referrals), standing.ReportOnTime: 1},
		standing.KPIs{standing.Profiles: float64(a.Profiles), standing.Surveys: float64(a.Surveys), standing.Referrals: float64(a.Referrals), standing.ReportOnTime: rep}
}

func recordID(collaborator, quarter string) string { return collaborator + ":" + quarter }

// Score is a record's attainment for its targets and actuals under
// standing's weights (what the service stores in Attainment).
func Score(t Targets, a Actuals, weights map[standing.KPI]float64) float64 {
	tk, ak := kpis(t, a)
	return standing.Attainment(tk, ak, weights)
}
