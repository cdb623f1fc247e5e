package quizzes

import (
	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/platform/web"
)

// AttemptStatuses lists an attempt's statuses, for the OpenAPI document.
var AttemptStatuses = []string{StatusOpen, StatusGraded}

// QuestionKinds lists the kinds of question a quiz holds.
var QuestionKinds = []string{courses.KindSingle, courses.KindMultiple, courses.KindTrueFalse}

// docEnums registers the module's enumerations for the OpenAPI document.
func docEnums(r *web.Router) {
	r.Enum("attempt_status", AttemptStatuses...)
	r.Enum("question_kind", QuestionKinds...)
	r.Enum("cycle_why", CycleRenewal, CycleAttendance, CycleGranted)
}
