package examload

import (
	"testing"

	"github.com/ctvacademy/academy/modules/courses"
)

// The bench course loads beside the product's courses, without problems.
func TestCoursesAddsTheBenchCourse(t *testing.T) {
	cat, probs := courses.Load(Courses())
	if len(probs) > 0 {
		t.Fatalf("problems: %v", courses.Problems(probs))
	}
	c, ok := cat.Course(CourseCode)
	if !ok {
		t.Fatalf("%s is not in the catalog", CourseCode)
	}
	if c.Quiz.TimeLimitMinutes != 30 || c.Quiz.QuestionsPerAttempt != 20 || len(c.Quiz.Questions) != 40 {
		t.Fatalf("quiz: %d minutes, %d per attempt, %d questions", c.Quiz.TimeLimitMinutes, c.Quiz.QuestionsPerAttempt, len(c.Quiz.Questions))
	}
	if _, ok := cat.Course("KC-101"); !ok {
		t.Fatal("the product's courses are missing")
	}
}
