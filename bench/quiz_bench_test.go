package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ctvacademy/academy/bench/fixture"
	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"github.com/ctvacademy/academy/modules/quizzes"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The benchmarks measure one operation at a time (no concurrency) on the
// embedded store, so ns/op is the store's service time: the single driver
// connection can do at most 1e9/(ns/op) of them per second.

func TestMain(m *testing.M) { storetest.Main(m) }

func catalog(b *testing.B) (*courses.Catalog, courses.Course) {
	b.Helper()
	cat, probs := courses.Load(content.FS)
	if len(probs) > 0 {
		b.Fatal(courses.Problems(probs))
	}
	return cat, fixture.NewestCourse(cat)
}

// openAttempts stores n open attempts at course in the live collection.
func openAttempts(b *testing.B, st *quizzes.Store, c courses.Course, n int) []quizzes.Attempt {
	b.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]quizzes.Attempt, n)
	for i := range out {
		out[i] = quizzes.NewAttempt(fmt.Sprintf("c%05d", i), "DN-BH", c, 1, time.Now(), r)
		if err := st.InsertLive(context.Background(), out[i]); err != nil {
			b.Fatal(err)
		}
	}
	return out
}

func answersFor(a quizzes.Attempt) map[string][]string {
	out := map[string][]string{}
	for _, q := range a.Questions {
		out[q.ID] = []string{q.Options[0].ID}
	}
	return out
}

// BenchmarkAutosave is one autosave on a live collection of n open
// attempts: the store's update alone, and the service's (which reads the
// attempt first).
func BenchmarkAutosave(b *testing.B) {
	_, c := catalog(b)
	for _, n := range []int{10, 200} {
		b.Run(fmt.Sprintf("store/live=%d", n), func(b *testing.B) {
			st := quizzes.NewStore(storetest.New(b))
			as := openAttempts(b, st, c, n)
			ctx := context.Background()
			for i := 0; b.Loop(); i++ {
				a := as[i%n]
				if ok, err := st.SaveAnswers(ctx, a.ID, answersFor(a), time.Now()); err != nil || !ok {
					b.Fatal(ok, err)
				}
			}
		})
		b.Run(fmt.Sprintf("service/live=%d", n), func(b *testing.B) {
			cat, _ := catalog(b)
			st := quizzes.NewStore(storetest.New(b))
			svc := quizzes.NewService(quizzes.Deps{Store: st, Catalog: cat})
			as := openAttempts(b, st, c, n)
			ctx := context.Background()
			for i := 0; b.Loop(); i++ {
				a := as[i%n]
				p := authz.Principal{UserID: "u", Role: authz.RoleCTV, CollaboratorID: a.CollaboratorID, AreaCode: a.AreaCode}
				if _, err := svc.SaveAnswers(ctx, p, a.ID, answersFor(a)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRawUpdate is the raw baseline's autosave — one `_id`
// findOneAndUpdate — on 200 documents shaped as a full attempt (question
// snapshot with texts in two languages and the key, the engine's format
// before quiz_banks), slim (question ids and option order, its format now)
// or answers (only the answers, what an autosave needs to touch): on the
// embedded store the cost follows the collection's bytes, not its count.
func BenchmarkRawUpdate(b *testing.B) {
	_, c := catalog(b)
	for _, shape := range []string{"full", "slim", "answers"} {
		b.Run("doc="+shape, func(b *testing.B) {
			coll := storetest.New(b).Collection("raw")
			r := rand.New(rand.NewPCG(3, 4))
			ctx := context.Background()
			const n = 200
			ids := make([]string, n)
			for i := range ids {
				a := quizzes.NewAttempt(fmt.Sprintf("c%05d", i), "DN-BH", c, 1, time.Now(), r)
				ids[i] = a.ID
				doc := attemptDoc(a, shape == "full")
				if shape == "answers" {
					doc = bson.D{{Key: "_id", Value: a.ID}, {Key: "saved_at", Value: time.Now()}, {Key: "answers", Value: bson.A{}}}
				}
				if _, err := coll.InsertOne(ctx, doc); err != nil {
					b.Fatal(err)
				}
			}
			for i := 0; b.Loop(); i++ {
				err := coll.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: ids[i%n]}},
					bson.D{{Key: "$set", Value: bson.D{{Key: "answers", Value: bson.A{bson.D{{Key: "q", Value: "q01"}, {Key: "o", Value: bson.A{"a"}}}}}}}}).Err()
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func attemptDoc(a quizzes.Attempt, full bool) bson.D {
	qs := bson.A{}
	for _, q := range a.Questions {
		opts := bson.A{}
		for _, o := range q.Options {
			if full {
				opts = append(opts, bson.D{{Key: "id", Value: o.ID}, {Key: "text", Value: bson.D{{Key: "vi", Value: o.Text.VI}, {Key: "en", Value: o.Text.EN}}}, {Key: "correct", Value: o.Correct}})
			} else {
				opts = append(opts, o.ID)
			}
		}
		if full {
			qs = append(qs, bson.D{{Key: "id", Value: q.ID}, {Key: "kind", Value: q.Kind}, {Key: "text", Value: bson.D{{Key: "vi", Value: q.Text.VI}, {Key: "en", Value: q.Text.EN}}}, {Key: "options", Value: opts}})
		} else {
			qs = append(qs, bson.D{{Key: "id", Value: q.ID}, {Key: "o", Value: opts}})
		}
	}
	return bson.D{{Key: "_id", Value: a.ID}, {Key: "collaborator_id", Value: a.CollaboratorID}, {Key: "course_code", Value: a.CourseCode},
		{Key: "quiz_version", Value: a.QuizVersion}, {Key: "started_at", Value: a.StartedAt}, {Key: "deadline", Value: a.Deadline},
		{Key: "status", Value: quizzes.StatusOpen}, {Key: "questions", Value: qs}, {Key: "answers", Value: bson.A{}}}
}

// BenchmarkResultLookup is what Start does for a retaker: read an earlier
// attempt from the results archive by `_id` — the newest one (found at the
// end of the scan, like this year's attempts) and a missing one.
func BenchmarkResultLookup(b *testing.B) {
	cat, _ := catalog(b)
	const n = 2000
	db := storetest.New(b)
	st := quizzes.NewStore(db)
	ctx := context.Background()
	takers := make([]fixture.Taker, 200)
	for i := range takers {
		takers[i] = fixture.Taker{ID: fmt.Sprintf("c%05d", i), AreaCode: "DN-BH", Role: authz.RoleCTV,
			Joined: fixture.HistoryEnd.AddDate(-5, 0, 0), Skill: 0.8}
	}
	as := fixture.Attempts(cat, takers, n, 5, 1)
	for i := 0; i < len(as); i += 500 {
		if err := st.InsertResults(ctx, as[i:min(i+500, len(as))]); err != nil {
			b.Fatal(err)
		}
	}
	newest := as[len(as)-1].ID
	b.Run(fmt.Sprintf("newest/results=%d", n), func(b *testing.B) {
		for b.Loop() {
			if _, err := st.Result(ctx, newest); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run(fmt.Sprintf("missing/results=%d", n), func(b *testing.B) {
		for b.Loop() {
			if _, err := st.Result(ctx, "nobody:KC-101:1"); err == nil {
				b.Fatal("found")
			}
		}
	})
}
