package scheduling

import (
	"context"
	"sort"
	"time"
)

// attendanceBookColl is the per-person attendance book (ledger): one
// document per collaborator holding an entry per session they were
// marked at, written with each mark.
const attendanceBookColl = "attendance_by_person"

// bookMax bounds a person's book: their newest entries are kept.
const bookMax = 2000

// AttendanceEntry is one attendance mark as a collaborator's book keeps
// it: the session, its course, when it started and the status given.
type AttendanceEntry struct {
	Session string    `bson:"session" json:"session"`
	Course  string    `bson:"course,omitempty" json:"course,omitempty"`
	Date    time.Time `bson:"date" json:"date"`
	Status  string    `bson:"status" json:"status"`
}

// LedgerKey is the session: a person has one mark per session.
func (e AttendanceEntry) LedgerKey() string { return e.Session }

// LedgerTime is the session's start.
func (e AttendanceEntry) LedgerTime() time.Time { return e.Date }

func entryOf(x Session, m Mark) AttendanceEntry {
	return AttendanceEntry{Session: x.ID, Course: x.CourseCode, Date: x.StartsAt.UTC(), Status: m.Status}
}

// AttendanceOf lists the marks given to a collaborator, live and archived
// sessions alike, oldest session first. It reads their book once the
// book's backfill has finished, and every session until then.
func (s *Service) AttendanceOf(ctx context.Context, collaboratorID string) ([]AttendanceEntry, error) {
	done, err := s.d.Store.book.Complete(ctx)
	if err != nil {
		return nil, err
	}
	if done {
		return s.d.Store.book.Of(ctx, collaboratorID)
	}
	all, err := s.find(ctx, Query{})
	if err != nil {
		return nil, err
	}
	out := []AttendanceEntry{}
	for _, x := range all {
		if m, ok := x.MarkOf(collaboratorID); ok {
			out = append(out, entryOf(x, m))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out, nil
}
