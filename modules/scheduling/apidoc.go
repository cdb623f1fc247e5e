package scheduling

import "github.com/ctvacademy/academy/modules/platform/web"

// The value lists of the API's enumerations, built from the constants the
// rules check against, for the OpenAPI document (web.Router.Enum).
var (
	// SessionStatuses lists a session's statuses.
	SessionStatuses = []string{StatusScheduled, StatusCancelled}
	// Responses lists an invitation's answers.
	Responses = []string{ResponsePending, ResponseAccepted, ResponseDeclined, ResponseWaitlisted}
	// AttendanceStatuses lists the marks of an attendance sheet.
	AttendanceStatuses = []string{AttendPresent, AttendLate, AttendExcused, AttendAbsent}
	// Applies lists the reaches of an edit or cancellation of a series.
	Applies = []string{ApplyThis, ApplyFollowing}
	// Deliveries lists where an invitation's mail is: the outbox's
	// statuses (queued, sent, failed) and not_sent.
	Deliveries = []string{"queued", "sent", DeliveryFailed, DeliveryNotSent}
)

// docEnums registers the module's enumerations for the OpenAPI document.
func docEnums(r *web.Router) {
	r.Enum("session_status", SessionStatuses...)
	r.Enum("response", Responses...)
	r.Enum("attendance_status", AttendanceStatuses...)
	r.Enum("apply", Applies...)
	r.Enum("delivery", Deliveries...)
}
