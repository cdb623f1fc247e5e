package quizzes_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/quizzes"
)

func TestProgressOf(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	c := courses.Course{Code: "KC-101", Quiz: courses.Quiz{MaxAttempts: 3, RetakeAfterMinutes: 60}}
	graded := func(n int, ago time.Duration, score float64, passed bool) quizzes.Attempt {
		return quizzes.Attempt{ID: "x:KC-101:" + strconv.Itoa(n), N: n, Status: quizzes.StatusGraded, StartedAt: now.Add(-ago - 10*time.Minute),
			SubmittedAt: now.Add(-ago), Score: score, Passed: passed}
	}
	open := quizzes.Attempt{ID: "x:KC-101:9", Status: quizzes.StatusOpen, StartedAt: now.Add(-time.Minute), Deadline: now.Add(19 * time.Minute)}
	for _, tc := range []struct {
		name     string
		in       []quizzes.Attempt
		state    string
		used     int
		best     float64
		passedAt time.Time
		retake   time.Time
		takeable bool
	}{
		{"no attempt", nil, quizzes.ProgressNotStarted, 0, 0, time.Time{}, time.Time{}, true},
		{"an open attempt", []quizzes.Attempt{open}, quizzes.ProgressInProgress, 1, 0, time.Time{}, time.Time{}, true},
		{"failed, waiting", []quizzes.Attempt{graded(1, 30*time.Minute, 0.4, false)}, quizzes.ProgressFailed, 1, 0.4, time.Time{}, now.Add(30 * time.Minute), false},
		{"failed, wait over", []quizzes.Attempt{graded(1, 2*time.Hour, 0.4, false)}, quizzes.ProgressFailed, 1, 0.4, time.Time{}, time.Time{}, true},
		{"failed every attempt", []quizzes.Attempt{graded(1, 5*time.Hour, 0.4, false), graded(2, 3*time.Hour, 0.6, false), graded(3, 2*time.Hour, 0.5, false)},
			quizzes.ProgressFailed, 3, 0.6, time.Time{}, time.Time{}, false},
		{"passed on the second", []quizzes.Attempt{graded(1, 5*time.Hour, 0.4, false), graded(2, 3*time.Hour, 0.9, true)},
			quizzes.ProgressPassed, 2, 0.9, now.Add(-3 * time.Hour), time.Time{}, false},
	} {
		p := quizzes.ProgressOf(c, tc.in, now)
		if p.State != tc.state || p.Used != tc.used || p.Max != 3 || p.BestScore != tc.best || !p.PassedAt.Equal(tc.passedAt) ||
			!p.RetakeAt.Equal(tc.retake) || p.Takeable() != tc.takeable {
			t.Errorf("%s: %+v (takeable %v)", tc.name, p, p.Takeable())
		}
	}
}
