package standing_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/standing"
)

// The pages' model of a standing: the person reads it in their language,
// with their rank ("1st" in English, "1" in Vietnamese) and their quarters,
// and each recommended course links to its quiz and its next class on
// their own sessions page; staff reading it get the course and session
// pages instead, and no quiz.
func TestPageOf(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t)
	ctx := context.Background()
	m := standing.NewModule(svc).WithPages(standing.PageDeps{
		CourseTitle: func(code, lang string) string { return code + " (" + lang + ")" },
		Session: func(_ context.Context, id string) (standing.SessionPlace, error) {
			return standing.SessionPlace{Title: "Lớp " + id, Location: "Hội trường UBND huyện Nhơn Trạch"}, nil
		},
	})
	own := authz.Scope{Kind: authz.ScopeOwn, CollaboratorID: "good"}

	en, err := m.PageOf(ctx, own, "good", "en", true)
	if err != nil {
		t.Fatal(err)
	}
	if en.Standing != standing.Good || en.Badge != "active" || en.Rank != "1st" || en.RankQuarter != "Q3 2026" ||
		en.Recognition.AreaName != "Nhơn Trạch" || en.Recognition.Of != 1 {
		t.Errorf("good, in English: %+v", en)
	}
	if len(en.Quarters) != 4 || en.Quarters[0] != (standing.PageQuarter{Label: "Q3 2026", Status: "approved", Percent: "90%", Link: "/performance/good/2026-Q3"}) ||
		en.Quarters[2] != (standing.PageQuarter{Label: "Q1 2026", Status: "none", Link: "/performance/good/2026-Q1"}) {
		t.Errorf("good's quarters: %+v", en.Quarters)
	}
	if q := clock.QuarterOf(en.At); en.ThisQuarter != (standing.PageQuarter{Label: fmt.Sprintf("Q%d %d", q.Q, q.Year), Link: "/performance/good/" + q.String()}) {
		t.Errorf("good's quarter under way (%s): %+v", q, en.ThisQuarter)
	}
	if len(en.Certs) != 1 || en.Certs[0].Title != "KC-101 (en)" || en.Certs[0].ID != "c1" {
		t.Errorf("good's certificates: %+v", en.Certs)
	}
	vi, err := m.PageOf(ctx, own, "good", "vi", true)
	if err != nil || vi.Rank != "1" || vi.RankQuarter != "Quý 3/2026" || vi.Quarters[0].Label != "Quý 3/2026" {
		t.Errorf("good, in Vietnamese: %v %+v", err, vi)
	}

	mine, err := m.PageOf(ctx, authz.Scope{Kind: authz.ScopeOwn, CollaboratorID: "bad"}, "bad", "vi", true)
	if err != nil {
		t.Fatal(err)
	}
	if mine.Standing == standing.Good || mine.Rank != "" || len(mine.Reasons) == 0 || mine.Reasons[0] != "Chưa có chứng nhận KC-101" {
		t.Errorf("bad, own: %+v", mine)
	}
	if len(mine.Next) == 0 {
		t.Fatalf("bad has nothing to do next: %+v", mine)
	}
	next := mine.Next[0]
	if next.Code != "KC-101" || next.Title != "KC-101 (vi)" || next.Why != "Chưa có chứng nhận KC-101" || next.Link != "/courses/KC-101" ||
		next.Quiz != "/courses/KC-101/quiz" || next.Session == nil || next.Session.Link != "/me/sessions" ||
		next.Session.Location != "Hội trường UBND huyện Nhơn Trạch" || next.Session.Title != "Lớp s1" {
		t.Errorf("bad's first step: %+v %+v", next, next.Session)
	}
	staff, err := m.PageOf(ctx, authz.All, "bad", "en", false)
	if err != nil {
		t.Fatal(err)
	}
	if s := staff.Next[0]; s.Quiz != "" || s.Link != "/courses/KC-101" || s.Session.Link != "/sessions/s1" || s.Why != "No KC-101 certificate" {
		t.Errorf("bad, read by staff: %+v %+v", s, s.Session)
	}
	for _, n := range mine.Next {
		if n.Quiz != "" && n.Review != "" {
			t.Errorf("bad's step %s offers both a quiz and a review: %+v", n.Code, n)
		}
	}
	if _, err := m.PageOf(ctx, authz.Scope{Kind: authz.ScopeArea, AreaCode: "NT"}, "gone", "vi", false); err == nil {
		t.Error("a team leader of NT read LT's standing")
	}
}

func TestOrdinal(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 22: "22nd", 101: "101st", 111: "111th"} {
		if got := standing.Ordinal(n, "en"); got != want {
			t.Errorf("Ordinal(%d, en) = %q, want %q", n, got, want)
		}
	}
	if got := standing.Ordinal(2, "vi"); got != "2" {
		t.Errorf("Ordinal(2, vi) = %q", got)
	}
}
