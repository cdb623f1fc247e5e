package quizzes

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/ledger"
	"github.com/ctvacademy/academy/modules/platform/store"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Collections owned by this module. The live collection holds only open
// attempts (and, for a moment, a graded one on its way to the archive), so
// that every autosave and submit touches a small collection; results are
// insert-only. An attempt number is taken by the insert of its live
// document (keyed by the attempt id: of two starts one wins); Start checks
// the results after it, so a number graded meanwhile is not started again.
const (
	liveColl    = "quiz_attempts"
	resultsColl = "quiz_results"
	banksColl   = "quiz_banks"
	answersColl = "quiz_answers"
)

// Store is the quiz store: one typed handle per collection.
type Store struct {
	live, results *store.Coll[attemptDoc] // open attempts; the graded archive
	banks         *store.Coll[bankDoc]
	answers       *store.Coll[answersDoc]
	progress      *store.Coll[numbersDoc]
	summaries     *store.Coll[progressDoc]
	units         *store.Coll[unitResultsDoc]
	unitsAsStored *store.Coll[unitRawDoc] // the same documents, their entries as stored (a move pulls them exactly)
	stamps        *store.Coll[unitStampDoc]
	attempts      *ledger.Book[AttemptEntry] // each person's graded attempts
	bookPage      int                        // summaries read per step of the book's backfill
	idsMu         sync.Mutex
	ids           []string // the summaries' ids, as the book's backfill listed them
}

// NewStore returns the store on db.
func NewStore(db *mongo.Database) *Store {
	return &Store{
		live:          store.NewColl[attemptDoc](db, liveColl, "attempt"),
		results:       store.NewColl[attemptDoc](db, resultsColl, "attempt"),
		banks:         store.NewColl[bankDoc](db, banksColl, "bank"),
		answers:       store.NewColl[answersDoc](db, answersColl, "answers"),
		progress:      store.NewColl[numbersDoc](db, progressColl, "progress"),
		summaries:     store.NewColl[progressDoc](db, summariesColl, "summary"),
		units:         store.NewColl[unitResultsDoc](db, unitResultsColl, "unit results"),
		unitsAsStored: store.NewColl[unitRawDoc](db, unitResultsColl, "unit results"),
		stamps:        store.NewColl[unitStampDoc](db, unitStampsColl, "unit stamp"),
		attempts:      ledger.New[AttemptEntry](db, attemptsBook, bookMax),
		bookPage:      bookPage,
	}
}

// Indexes are the indexes this module needs (for MongoDB's sake).
func Indexes() []store.Index {
	return []store.Index{
		{Collection: liveColl, Keys: bson.D{{Key: "deadline", Value: 1}}, Name: "deadline"},
		{Collection: resultsColl, Keys: bson.D{{Key: "collaborator_id", Value: 1}, {Key: "course_code", Value: 1}}, Name: "collaborator_course"},
		{Collection: resultsColl, Keys: bson.D{{Key: "course_code", Value: 1}, {Key: "area_code", Value: 1}}, Name: "course_area"},
		{Collection: unitResultsColl, Keys: bson.D{{Key: "course_code", Value: 1}, {Key: "area_code", Value: 1}}, Name: "course_area"},
	}
}

// questionDoc is a drawn question as stored: its id and the order its
// options were shown in. Texts and the key live once per bank version in
// quiz_banks, so an attempt document stays small: on the embedded store
// every update costs in proportion to the size of the documents it scans.
type questionDoc struct {
	ID      string   `bson:"id"`
	Options []string `bson:"o"`
}

type bankOptionDoc struct {
	ID      string       `bson:"id"`
	Text    courses.Text `bson:"text"`
	Correct bool         `bson:"correct"`
}

type bankQuestionDoc struct {
	ID      string          `bson:"id"`
	Kind    string          `bson:"kind"`
	Text    courses.Text    `bson:"text"`
	Options []bankOptionDoc `bson:"options"`
}

// bankDoc is one version of a course's question bank, as attempts saw it.
type bankDoc struct {
	ID        string            `bson:"_id"` // <course>@<version>
	Course    string            `bson:"course"`
	Version   string            `bson:"version"`
	Questions []bankQuestionDoc `bson:"questions"`
}

type answerDoc struct {
	Question string   `bson:"q"`
	Options  []string `bson:"o"`
}

type attemptDoc struct {
	ID             string        `bson:"_id"`
	CollaboratorID string        `bson:"collaborator_id"`
	AreaCode       string        `bson:"area_code"`
	CourseCode     string        `bson:"course_code"`
	Cycle          int           `bson:"cycle,omitempty"` // absent: 1
	N              int           `bson:"n"`
	QuizVersion    string        `bson:"quiz_version"`
	PassMark       float64       `bson:"pass_mark"`
	Review         string        `bson:"review"`
	StartedAt      time.Time     `bson:"started_at"`
	Deadline       time.Time     `bson:"deadline"`
	Questions      []questionDoc `bson:"questions"`
	// Answers are a list, not a map: question ids become no field names.
	Answers     []answerDoc `bson:"answers"`
	SavedAt     time.Time   `bson:"saved_at,omitempty"`
	Status      string      `bson:"status"`
	SubmittedAt time.Time   `bson:"submitted_at,omitempty"`
	Correct     int         `bson:"correct"`
	Score       float64     `bson:"score"`
	Passed      bool        `bson:"passed"`
	Late        bool        `bson:"late"`
}

func answersToDoc(m map[string][]string) []answerDoc {
	out := make([]answerDoc, 0, len(m))
	for q, o := range m {
		out = append(out, answerDoc{Question: q, Options: o})
	}
	return out
}

func toDoc(a Attempt) attemptDoc {
	qs := make([]questionDoc, len(a.Questions))
	for i, q := range a.Questions {
		ids := make([]string, len(q.Options))
		for j, o := range q.Options {
			ids[j] = o.ID
		}
		qs[i] = questionDoc{ID: q.ID, Options: ids}
	}
	return attemptDoc{ID: a.ID, CollaboratorID: a.CollaboratorID, AreaCode: a.AreaCode, CourseCode: a.CourseCode, Cycle: cycleField(a.Cycle), N: a.N,
		QuizVersion: a.QuizVersion, PassMark: a.PassMark, Review: a.Review, StartedAt: a.StartedAt, Deadline: a.Deadline,
		Questions: qs, Answers: answersToDoc(a.Answers), SavedAt: a.SavedAt, Status: a.Status, SubmittedAt: a.SubmittedAt,
		Correct: a.Correct, Score: a.Score, Passed: a.Passed, Late: a.Late}
}

// toAttempt returns the attempt with its questions as ids and option
// order only; the service fills in texts and key from the bank.
func (d attemptDoc) toAttempt() Attempt {
	qs := make([]Question, len(d.Questions))
	for i, q := range d.Questions {
		os := make([]Option, len(q.Options))
		for j, id := range q.Options {
			os[j] = Option{ID: id}
		}
		qs[i] = Question{ID: q.ID, Options: os}
	}
	ans := make(map[string][]string, len(d.Answers))
	for _, a := range d.Answers {
		ans[a.Question] = a.Options
	}
	return Attempt{ID: d.ID, CollaboratorID: d.CollaboratorID, AreaCode: d.AreaCode, CourseCode: d.CourseCode, Cycle: max(d.Cycle, 1), N: d.N,
		QuizVersion: d.QuizVersion, PassMark: d.PassMark, Review: d.Review, StartedAt: d.StartedAt.UTC(), Deadline: d.Deadline.UTC(),
		Questions: qs, Answers: ans, SavedAt: d.SavedAt.UTC(), Status: d.Status, SubmittedAt: d.SubmittedAt.UTC(),
		Correct: d.Correct, Score: d.Score, Passed: d.Passed, Late: d.Late}
}

// PutBank stores a version of a course's bank once; storing it again is a no-op.
func (s *Store) PutBank(ctx context.Context, course, version string, qs []courses.Question) error {
	d := bankDoc{ID: course + "@" + version, Course: course, Version: version}
	for _, q := range qs {
		bq := bankQuestionDoc{ID: q.ID, Kind: q.Kind, Text: q.Text}
		for _, o := range q.Options {
			bq.Options = append(bq.Options, bankOptionDoc{ID: o.ID, Text: o.Text, Correct: o.Correct})
		}
		d.Questions = append(d.Questions, bq)
	}
	if err := s.banks.Insert(ctx, d); !store.IsDuplicate(err) {
		return err
	}
	return nil
}

// Bank returns a stored bank version. Errors: errs.NotFound.
func (s *Store) Bank(ctx context.Context, course, version string) ([]courses.Question, error) {
	d, err := s.banks.Get(ctx, course+"@"+version)
	if err != nil {
		return nil, err
	}
	out := make([]courses.Question, len(d.Questions))
	for i, q := range d.Questions {
		cq := courses.Question{ID: q.ID, Kind: q.Kind, Text: q.Text}
		for _, o := range q.Options {
			cq.Options = append(cq.Options, courses.Option{ID: o.ID, Text: o.Text, Correct: o.Correct})
		}
		out[i] = cq
	}
	return out, nil
}

// InsertLive stores a new open attempt and its (empty) answers document.
// Errors: errs.Conflict when it exists.
func (s *Store) InsertLive(ctx context.Context, a Attempt) error {
	d := toDoc(a)
	d.Answers = nil
	if err := s.live.Insert(ctx, d); err != nil {
		if store.IsDuplicate(err) {
			return errs.E(errs.Conflict, "attempt %s exists", a.ID)
		}
		return err
	}
	if err := s.answers.Insert(ctx, answersDoc{ID: a.ID, Answers: answersToDoc(a.Answers), SavedAt: a.SavedAt}); !store.IsDuplicate(err) {
		return err
	}
	return nil
}

// answersDoc is the autosaved answers of an open attempt: a document of its
// own, small, updated by `_id` alone, so an autosave touches little.
type answersDoc struct {
	ID      string      `bson:"_id"`
	Answers []answerDoc `bson:"answers"`
	SavedAt time.Time   `bson:"saved_at,omitempty"`
}

// LiveAttempt returns an open attempt as stored, without its answers.
// Errors: errs.NotFound.
func (s *Store) LiveAttempt(ctx context.Context, id string) (Attempt, error) {
	return attemptOf(s.live.Get(ctx, id))
}

// LoadAnswers sets the saved answers of an open attempt (none when it was
// graded meanwhile).
func (s *Store) LoadAnswers(ctx context.Context, a *Attempt) error {
	d, err := s.answers.Get(ctx, a.ID)
	if errs.KindOf(err) == errs.NotFound {
		return nil // graded meanwhile: the caller finds the result
	}
	if err != nil {
		return err
	}
	a.Answers = make(map[string][]string, len(d.Answers))
	for _, x := range d.Answers {
		a.Answers[x.Question] = x.Options
	}
	a.SavedAt = d.SavedAt.UTC()
	return nil
}

// Result returns a graded attempt of the archive. Errors: errs.NotFound.
func (s *Store) Result(ctx context.Context, id string) (Attempt, error) {
	return attemptOf(s.results.Get(ctx, id))
}

func attemptOf(d attemptDoc, err error) (Attempt, error) {
	if err != nil {
		return Attempt{}, err
	}
	return d.toAttempt(), nil
}

// SaveAnswers replaces the answers of an open attempt, by `_id` alone. It
// reports false when the attempt is graded and gone from the live set.
func (s *Store) SaveAnswers(ctx context.Context, id string, answers map[string][]string, now time.Time) (bool, error) {
	res, err := s.answers.Raw().UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "answers", Value: answersToDoc(answers)}, {Key: "saved_at", Value: now}}}})
	if err != nil {
		return false, err
	}
	return res.MatchedCount == 1, nil
}

// Record stores a graded attempt in the results, exactly once: an insert
// keyed by the attempt id, so of two graders the first wins. It reports
// whether this one did.
func (s *Store) Record(ctx context.Context, a Attempt) (bool, error) {
	err := s.results.Insert(ctx, toDoc(a))
	if store.IsDuplicate(err) {
		return false, nil
	}
	return err == nil, err
}

// DropLive removes a graded attempt and its answers from the live set and
// reports whether this call removed the attempt (of two, one does).
func (s *Store) DropLive(ctx context.Context, id string) (bool, error) {
	if _, err := s.answers.Delete(ctx, id); err != nil {
		return false, err
	}
	return s.live.Delete(ctx, id)
}

// NextDeadline returns the earliest deadline of the live attempts still
// taking answers at now (past it plus Grace the sweep has work), or the
// zero time when there is none.
func (s *Store) NextDeadline(ctx context.Context, now time.Time) (time.Time, error) {
	ds, err := s.live.List(ctx, bson.D{{Key: "deadline", Value: bson.D{{Key: "$gte", Value: now.Add(-Grace)}}}},
		store.Find{Sort: bson.D{{Key: "deadline", Value: 1}}, Limit: 1, Projection: bson.D{{Key: "deadline", Value: 1}}})
	if err != nil || len(ds) == 0 {
		return time.Time{}, err
	}
	return ds[0].Deadline, nil
}

// LiveToSweep lists live attempts past deadline plus grace at now, with
// their saved answers (and any a crash left live after grading).
func (s *Store) LiveToSweep(ctx context.Context, now time.Time) ([]Attempt, error) {
	due, err := s.find(ctx, s.live, bson.D{{Key: "deadline", Value: bson.D{{Key: "$lt", Value: now.Add(-Grace)}}}})
	if err != nil {
		return nil, err
	}
	for i := range due {
		if err := s.LoadAnswers(ctx, &due[i]); err != nil {
			return nil, err
		}
	}
	return due, nil
}

// Filter selects attempts.
type Filter struct {
	CollaboratorID string
	CourseCode     string
	AreaCode       string
}

func (f Filter) bson() bson.D {
	d := bson.D{}
	if f.CollaboratorID != "" {
		d = append(d, bson.E{Key: "collaborator_id", Value: f.CollaboratorID})
	}
	if f.CourseCode != "" {
		d = append(d, bson.E{Key: "course_code", Value: f.CourseCode})
	}
	if f.AreaCode != "" {
		d = append(d, bson.E{Key: "area_code", Value: f.AreaCode})
	}
	return d
}

// Open lists open attempts.
func (s *Store) Open(ctx context.Context, f Filter) ([]Attempt, error) {
	return s.find(ctx, s.live, f.bson())
}

// find lists the attempts of c matching filter, newest first.
func (s *Store) find(ctx context.Context, c *store.Coll[attemptDoc], filter bson.D) ([]Attempt, error) {
	out := []Attempt{}
	err := c.Each(ctx, filter, store.Find{Sort: bson.D{{Key: "started_at", Value: -1}}}, func(d attemptDoc) error {
		out = append(out, d.toAttempt())
		return nil
	})
	return out, err
}

// Per collaborator and course, two documents keyed <collaborator>:<course>:
// in quiz_progress only the numbers of the graded attempts (tiny: Start
// reads it, and on the embedded store a lookup by _id costs in proportion
// to the bytes of the whole collection), in quiz_summaries their scores
// (for "my attempts"). Both spare the request path the results archive,
// which grows without end.
const (
	progressColl  = "quiz_progress"
	summariesColl = "quiz_summaries"
)

// numbersDoc is a collaborator's progress at a course: the numbers of the
// graded attempts of cycle 1 (the form it had before cycles) and the
// cycles opened since, each with its own numbers.
type numbersDoc struct {
	ID     string     `bson:"_id"`
	Graded []int      `bson:"graded,omitempty"` // absent rather than null: $addToSet creates it
	Cycles []cycleDoc `bson:"cycles,omitempty"`
}

// cycleDoc is a certification cycle after the first.
type cycleDoc struct {
	N      int       `bson:"n"`
	Opened time.Time `bson:"opened"`
	Why    string    `bson:"why"` // CycleRenewal, CycleAttendance or CycleGranted
	Reason string    `bson:"reason,omitempty"`
	By     string    `bson:"by,omitempty"` // the user who granted it
	Graded []int     `bson:"graded"`
}

// current is the current cycle (1 when none opened since).
func (d numbersDoc) current() Cycle {
	if len(d.Cycles) == 0 {
		return Cycle{N: 1, Graded: d.Graded}
	}
	c := d.Cycles[len(d.Cycles)-1]
	return Cycle{N: c.N, Opened: c.Opened.UTC(), Why: c.Why, Graded: c.Graded}
}

// cycleField is how a cycle is stored: cycle 1 as no field, as attempts
// were before cycles.
func cycleField(c int) int {
	if c <= 1 {
		return 0
	}
	return c
}

type summaryDoc struct {
	// CollaboratorID is set in a unit's results, not in a
	// person's own summaries.
	CollaboratorID string    `bson:"collaborator_id,omitempty"`
	AttemptID      string    `bson:"attempt_id"`
	Cycle          int       `bson:"cycle,omitempty"` // absent: 1
	N              int       `bson:"n"`
	Score          float64   `bson:"score"`
	Passed         bool      `bson:"passed"`
	StartedAt      time.Time `bson:"started_at"`
	SubmittedAt    time.Time `bson:"submitted_at"`
	// Items are the questions asked, each "<id>+" (answered correctly) or
	// "<id>-": what item analysis needs, without reading the archive.
	// Summaries written before they existed have none.
	Items []string `bson:"items,omitempty"`
}

type progressDoc struct {
	ID             string       `bson:"_id"` // <collaborator>:<course>
	CollaboratorID string       `bson:"collaborator_id"`
	CourseCode     string       `bson:"course_code"`
	AreaCode       string       `bson:"area_code"`
	Results        []summaryDoc `bson:"results"`
}

func summaryOf(a Attempt) summaryDoc {
	d := summaryDoc{AttemptID: a.ID, Cycle: cycleField(a.Cycle), N: a.N, Score: a.Score, Passed: a.Passed, StartedAt: a.StartedAt, SubmittedAt: a.SubmittedAt}
	for _, o := range a.OutcomesOf() {
		mark := "-"
		if o.Correct {
			mark = "+"
		}
		d.Items = append(d.Items, o.QuestionID+mark)
	}
	return d
}

// attempts expands a summaries document into graded attempts in summary
// form (no questions; outcomes when recorded).
func (d progressDoc) attempts() []Attempt {
	out := make([]Attempt, len(d.Results))
	for i, r := range d.Results {
		a := Attempt{ID: r.AttemptID, CollaboratorID: d.CollaboratorID, AreaCode: d.AreaCode, CourseCode: d.CourseCode, Cycle: max(r.Cycle, 1), N: r.N,
			Status: StatusGraded, Score: r.Score, Passed: r.Passed, StartedAt: r.StartedAt.UTC(), SubmittedAt: r.SubmittedAt.UTC()}
		for _, it := range r.Items {
			if n := len(it); n > 1 {
				a.Outcomes = append(a.Outcomes, Outcome{QuestionID: it[:n-1], Correct: it[n-1] == '+'})
			}
		}
		out[i] = a
	}
	return out
}

// Cycle is a collaborator's current certification cycle at a course.
type Cycle struct {
	N      int
	Opened time.Time // zero for cycle 1
	Why    string    // how it opened (none for cycle 1)
	Graded []int     // the numbers of its graded attempts
}

// Graded returns a collaborator's current cycle at a course, with the
// numbers of its graded attempts.
func (s *Store) Graded(ctx context.Context, collaboratorID, course string) (Cycle, error) {
	d, err := s.progress.Get(ctx, collaboratorID+":"+course)
	if err != nil && errs.KindOf(err) != errs.NotFound {
		return Cycle{}, err
	}
	return d.current(), nil
}

// OpenCycle opens cycle next.N at a course for a collaborator, unless it
// is open already (then it returns false). A cycle opens only after the
// one before it: next.N must be the current cycle's number plus one.
func (s *Store) OpenCycle(ctx context.Context, collaboratorID, course string, next Cycle, reason, by string) (bool, error) {
	opened := false
	_, err := s.progress.Apply(ctx, collaboratorID+":"+course, func(d *numbersDoc, _ bool) error {
		if d.current().N != next.N-1 {
			return store.ErrUnchanged
		}
		d.Cycles = append(d.Cycles, cycleDoc{N: next.N, Opened: next.Opened, Why: next.Why, Reason: reason, By: by})
		opened = true
		return nil
	})
	return opened, err
}

// Progress returns a collaborator's graded attempts at a course, as
// summaries (no questions).
func (s *Store) Progress(ctx context.Context, collaboratorID, course string) ([]Attempt, error) {
	d, err := s.summaries.Get(ctx, collaboratorID+":"+course)
	if errs.KindOf(err) == errs.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return d.attempts(), nil
}

// AddProgress records a graded attempt in its taker's progress (the
// number first), their attempts book, their summaries and its unit's
// results, by `_id` alone (each created on its first result), and returns
// the taker's graded attempts at the course as the summaries hold them
// after the write (the review of a submit reads them from there).
// It is idempotent — `$addToSet` of the same number and summary — so that a
// grading a crash interrupted after its result was recorded is completed
// by whoever finds the result next (a submit, a start, the sweep).
//
// The number goes before the book: certification issues a certificate
// only on a pass in the book, so a collaborator without a graded number at
// a course holds no certificate of it (Start reads none for them).
func (s *Store) AddProgress(ctx context.Context, a Attempt) ([]Attempt, error) {
	if err := s.addNumber(ctx, a); err != nil {
		return nil, err
	}
	if err := s.book(ctx, a); err != nil {
		return nil, err
	}
	var d progressDoc
	err := s.summaries.Raw().FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: a.CollaboratorID + ":" + a.CourseCode}},
		bson.D{
			{Key: "$addToSet", Value: bson.D{{Key: "results", Value: summaryOf(a)}}},
			{Key: "$set", Value: bson.D{{Key: "collaborator_id", Value: a.CollaboratorID}, {Key: "course_code", Value: a.CourseCode}, {Key: "area_code", Value: a.AreaCode}}},
		}, options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&d)
	if err != nil {
		return nil, err
	}
	return d.attempts(), s.addToUnit(ctx, a)
}

// addNumber adds a graded attempt's number to its cycle in the taker's
// progress (idempotent). Cycle 1's numbers are a top-level array: one
// `$addToSet` by `_id`; a later cycle's sit in its entry of "cycles",
// which is read and written back.
func (s *Store) addNumber(ctx context.Context, a Attempt) error {
	id := a.CollaboratorID + ":" + a.CourseCode
	if a.Cycle <= 1 {
		_, err := s.progress.Change(ctx, id, bson.D{{Key: "$addToSet", Value: bson.D{{Key: "graded", Value: a.N}}}}, true)
		if err == nil || ctx.Err() != nil {
			return err
		}
		// A document written before "graded" was left out when empty
		// may hold null there, which $addToSet refuses: read and write
		// it back instead.
	}
	_, err := s.progress.Apply(ctx, id, func(d *numbersDoc, _ bool) error {
		ns := &d.Graded
		for i := range d.Cycles {
			if d.Cycles[i].N == a.Cycle {
				ns = &d.Cycles[i].Graded
			}
		}
		if a.Cycle > 1 && ns == &d.Graded || slices.Contains(*ns, a.N) {
			return store.ErrUnchanged // an unknown cycle, or recorded already
		}
		*ns = append(*ns, a.N)
		return nil
	})
	return err
}
