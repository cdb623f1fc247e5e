package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/accounts"
	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/mail/mailtest"
)

// Session mails are written in each invitee's account language, as a mail
// client shows them through a real SMTP server: a CTV who chose English on
// their own account (PATCH /api/v1/me) and one an admin switched to English
// (PATCH /api/v1/users/{id}) get the English invitation and cancellation
// from the Center's English name; a third, who chose nothing, gets them in
// Vietnamese from "Trung tâm Khuyến công". A language other than vi or en
// is refused naming the field, and changes nothing.
func TestSessionMailsFollowTheAccountLanguage(t *testing.T) {
	t.Parallel()
	smtp := mailtest.New(t)
	clk := clock.NewManual(time.Date(2026, 12, 4, 3, 0, 0, 0, time.UTC))
	s := apptest.Start(t, apptest.Options{SMTPURL: smtp.URL(), Clock: clk})
	people := s.FindAll(t, "ctv", "NT", 3)
	self, byAdmin, vi := people[0], people[1], people[2]

	selfToken := s.LoginDemo(t, self.Email)
	for _, bad := range []any{"fr", "", 1} {
		r := s.Do(t, "PATCH", "/api/v1/me", selfToken, map[string]any{"language": bad})
		if r.Status != 400 || !r.Problem(t).HasField("language") {
			t.Fatalf("PATCH /me language %v: %d %s, want 400 naming language", bad, r.Status, r.Body)
		}
	}
	var me accounts.UserView
	r := s.Do(t, "PATCH", "/api/v1/me", selfToken, map[string]any{"language": "en"})
	if r.Status != 200 {
		t.Fatalf("PATCH /me language en: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &me)
	if me.Language != "en" {
		t.Fatalf("PATCH /me answered %+v", me)
	}

	admin := s.LoginDemo(t, apptest.Admin)
	s.Do(t, "GET", "/api/v1/me", s.LoginDemo(t, byAdmin.Email), nil).JSON(t, &me)
	if r := s.Do(t, "PATCH", "/api/v1/users/"+me.ID, admin, map[string]any{"language": "de"}); r.Status != 400 || !r.Problem(t).HasField("language") {
		t.Fatalf("PATCH /users/{id} language de: %d %s, want 400 naming language", r.Status, r.Body)
	}
	if r := s.Do(t, "PATCH", "/api/v1/users/"+me.ID, admin, map[string]any{"role": "team_leader", "language": "xx"}); r.Status != 400 {
		t.Fatalf("PATCH /users/{id} role and a bad language: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "PATCH", "/api/v1/users/"+me.ID, admin, map[string]any{"language": "en"}); r.Status != 200 {
		t.Fatalf("PATCH /users/{id} language en: %d %s", r.Status, r.Body)
	}
	var users struct{ Items []accounts.UserView }
	s.Do(t, "GET", "/api/v1/users?limit=1000", admin, nil).JSON(t, &users)
	for _, u := range users.Items {
		if u.ID == me.ID && (u.Language != "en" || u.Role != "ctv") {
			t.Fatalf("after the changes the account is %+v, want a ctv in en", u)
		}
	}

	coord := s.LoginDemo(t, apptest.Coordinator)
	id := s.CreateSession(t, coord, "KC-101", "NT", "Kỹ năng khảo sát", clk.Now().AddDate(0, 0, 10))
	if r := s.Do(t, "POST", "/api/v1/sessions/"+id+"/invitations", coord,
		map[string]any{"collaborator_ids": []string{self.ID, byAdmin.ID, vi.ID}}); r.Status >= 300 {
		t.Fatalf("invite: %d %s", r.Status, r.Body)
	}
	check := func(what string, ms []mailtest.Received, want map[string]string) {
		t.Helper()
		for _, m := range ms {
			to, _ := m.Header.AddressList("To")
			from, err := m.Header.AddressList("From")
			if err != nil || len(to) != 1 || len(from) != 1 {
				t.Fatalf("%s: To %q From %q (%v)", what, m.Header.Get("To"), m.Header.Get("From"), err)
			}
			lang := want[to[0].Address]
			name := map[string]string{"en": "Industrial Extension Center (Trung tâm Khuyến công)", "vi": "Trung tâm Khuyến công"}[lang]
			if from[0].Name != name || from[0].Address != "academy@example.vn" {
				t.Errorf("%s to %s (%s) is from %q <%s>, want %q", what, to[0].Address, lang, from[0].Name, from[0].Address, name)
			}
			text := part(t, m, "text/plain")
			if en := strings.Contains(text, "Industrial Extension Center"); en != (lang == "en") {
				t.Errorf("%s to %s (%s) reads:\n%s", what, to[0].Address, lang, text)
			}
		}
	}
	langs := map[string]string{self.Email: "en", byAdmin.Email: "en", vi.Email: "vi"}
	invites := append(reminders(t, smtp, "Training invitation: Kỹ năng khảo sát", 2), reminders(t, smtp, "Thư mời tập huấn: Kỹ năng khảo sát", 1)...)
	check("the invitation", invites, langs)
	if !hasRecipient(invites[:2], self.Email) || !hasRecipient(invites[:2], byAdmin.Email) || !hasRecipient(invites[2:], vi.Email) {
		t.Errorf("the English invitations went to %s and %s, the Vietnamese one to %s", to(invites[0]), to(invites[1]), to(invites[2]))
	}

	if r := s.Do(t, "POST", "/api/v1/sessions/"+id+"/cancel", coord, map[string]any{"reason": "Giảng viên ốm"}); r.Status != 200 {
		t.Fatalf("cancel: %d %s", r.Status, r.Body)
	}
	cancels := append(reminders(t, smtp, "Training cancelled: Kỹ năng khảo sát", 2), reminders(t, smtp, "Hủy buổi tập huấn: Kỹ năng khảo sát", 1)...)
	check("the cancellation", cancels, langs)
	// The calendar attachment is named for what it is, in the mail's
	// language (a cancellation was invite.ics).
	files := map[string]map[string]string{"en": {"invitation": "training-invitation.ics", "cancellation": "training-cancelled.ics"},
		"vi": {"invitation": "moi-tap-huan.ics", "cancellation": "huy-tap-huan.ics"}}
	for what, ms := range map[string][]mailtest.Received{"invitation": invites, "cancellation": cancels} {
		for _, m := range ms {
			to, _ := m.Header.AddressList("To")
			want := files[langs[to[0].Address]][what]
			got := ""
			for _, p := range m.Parts {
				if p.Filename != "" {
					got += p.Filename
				}
			}
			if got != want {
				t.Errorf("the %s to %s is attached as %q, want %q", what, to[0].Address, got, want)
			}
		}
	}
	if !hasRecipient(cancels[2:], vi.Email) {
		t.Errorf("the Vietnamese cancellation went to %s", to(cancels[2]))
	}
}
