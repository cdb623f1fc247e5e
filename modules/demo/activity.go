package demo

import (
	"context"
	"encoding/hex"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/accounts"
	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/courses"
	"github.com/ctvacademy/academy/modules/performance"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/mail"
	"github.com/ctvacademy/academy/modules/quizzes"
	"github.com/ctvacademy/academy/modules/scheduling"
	"github.com/ctvacademy/academy/modules/standing"
)

// Seed is the seed of the demo's sessions and results: the same people on
// the same clock get the same sample every time.
const Seed = 2026

// Activity is what LoadActivity wrote: sessions that are over (with
// invitations, answers and attendance) and to come (invitations, some
// answers), their delivered invitation mails, graded quiz attempts and
// quarterly performance records.
type Activity struct {
	Past, Upcoming     int // sessions that are over, and to come
	Invitations, Marks int
	Mails              int // delivered invitation mails in the archive
	Attempts, Passed   int // graded quiz attempts, and those passed
	// Records are the quarterly performance records (see SampleRecords),
	// Approved those approved, in Quarters quarters.
	Records, Approved, Quarters int
}

// ActivityDeps are the services and content the demo's sessions and
// results are written through: the same paths as the benchmark fixture's
// history (scheduling.Service.InsertHistory, quizzes.Store.InsertResults,
// mail.Outbox.InsertSent, performance.Store.Bulk), which mail nobody.
type ActivityDeps struct {
	Collaborators *collaborators.Service
	Accounts      *accounts.Service
	Catalog       *courses.Catalog
	Scheduling    *scheduling.Service
	Quizzes       *quizzes.Store
	Outbox        *mail.Outbox
	// Performance is where the quarterly records go (nil: the demo holds
	// none).
	Performance *performance.Store
	// Weights are content/standing.yaml's performance weights, which score
	// the records.
	Weights map[standing.KPI]float64
	// MailFiles holds the mail templates (a `mail/` folder) the delivered
	// invitations are composed with; MailFrom and BaseURL are the sender
	// and the address of the RSVP links in them.
	MailFiles fs.FS
	MailFrom  string
	BaseURL   string
}

// Sample plans the demo's sessions and graded attempts, relative to now and
// deterministic for a seed given the same people: for each course two
// sessions that are over, in different district units, with every invitee's
// answer and attendance mark, and one or two to come with invitations
// (recorded as delivered) and some answers; a network-wide session for the
// team leaders; a province-wide class months ago for each course that
// requires attendance; and for most people (see profiles) each required
// course's quiz taken one to max_attempts times until passed in the last
// eleven months, graded by the quiz engine, so that most hold their
// certificates once reconciled. coordinatorID marks the attendance not
// taken by check-in.
func Sample(people []collaborators.Collaborator, areas []collaborators.Area, cat []courses.Course, coordinatorID string, now time.Time, seed uint64) ([]scheduling.Session, []quizzes.Attempt) {
	r := rand.New(rand.NewPCG(seed, 0x64656d6f))
	people = slices.Clone(people)
	sort.SliceStable(people, func(i, j int) bool { return people[i].Code < people[j].Code })
	areaName := map[string]string{}
	byArea := map[string][]collaborators.Collaborator{}
	var used []string // areas with people, in the network's order
	for _, a := range areas {
		areaName[a.Code] = a.Name
	}
	for _, a := range areas {
		for _, p := range people {
			if p.AreaCode == a.Code {
				byArea[a.Code] = append(byArea[a.Code], p)
			}
		}
		if len(byArea[a.Code]) > 0 {
			used = append(used, a.Code)
		}
	}
	var sessions []scheduling.Session
	if len(used) == 0 {
		return nil, nil
	}
	next := r.IntN(len(used)) // areas taken in turn, so a course's sessions are in different units
	area := func() string {
		a := used[next%len(used)]
		next++
		return a
	}
	for _, c := range cat {
		title := c.Title.In("vi")
		// Over: one 35-55 days ago (archived by now), one 4-20 days ago.
		for _, ago := range [][2]int{{35, 55}, {4, 20}} {
			a := area()
			start := classTime(r, now.AddDate(0, 0, -(ago[0]+r.IntN(ago[1]-ago[0]))))
			x := newSession(r, c.Code, title, start, a, areaName[a])
			past(r, &x, byArea[a], coordinatorID)
			sessions = append(sessions, x)
		}
		// To come: one or two, 3 to 25 days ahead.
		for k := 0; k < 1+r.IntN(2); k++ {
			a := area()
			start := classTime(r, now.AddDate(0, 0, 3+r.IntN(23)))
			x := newSession(r, c.Code, title, start, a, areaName[a])
			upcoming(r, &x, byArea[a], now)
			sessions = append(sessions, x)
		}
	}
	// The team leaders' quarterly meeting, open to the whole network.
	var leaders []collaborators.Collaborator
	for _, p := range people {
		if p.Role == authz.RoleTeamLeader {
			leaders = append(leaders, p)
		}
	}
	if len(leaders) > 0 {
		x := newSession(r, "", "Sinh hoạt chuyên đề quý của tổ trưởng", classTime(r, now.AddDate(0, 0, 7+r.IntN(7))), "", "")
		x.Location = "Hội trường Trung tâm Khuyến công, Biên Hòa"
		upcoming(r, &x, leaders, now)
		// A capacity the accepts have reached, and one on the waitlist.
		for i := range x.Invitations {
			if x.Invitations[i].Response == scheduling.ResponsePending && x.Accepted() > 0 {
				inv := &x.Invitations[i]
				inv.Response = scheduling.ResponseWaitlisted
				inv.RespondedAt = answeredAt(r, inv.InvitedAt, now)
				inv.WaitlistedAt = inv.RespondedAt
				x.Capacity = x.Accepted()
				break
			}
		}
		sessions = append(sessions, x)
	}
	// The province-wide classes the network was trained in, months ago:
	// one per course that requires attendance, for everyone it is required of.
	prof := profiles(people, now, seed)
	for _, c := range cat {
		if !c.Certification.RequiresAttendance {
			continue
		}
		var invitees []collaborators.Collaborator
		for _, p := range people {
			if c.IsRequiredFor(p.Role) {
				invitees = append(invitees, p)
			}
		}
		if len(invitees) == 0 {
			continue
		}
		x := newSession(r, c.Code, "Lớp bồi dưỡng toàn tỉnh: "+c.Title.In("vi"), classTime(r, now.AddDate(0, 0, -(150+r.IntN(90)))), "", "")
		x.Location = "Hội trường Trung tâm Khuyến công, Biên Hòa"
		trained(r, &x, invitees, prof, coordinatorID)
		sessions = append(sessions, x)
	}
	sort.SliceStable(sessions, func(i, j int) bool { return sessions[i].StartsAt.Before(sessions[j].StartsAt) })
	return sessions, attempts(r, people, cat, prof, now)
}

// profile is how a person of the demo works: their level (about the share
// of their targets they reach), the chance their quarterly report is on
// time, whether they keep up with training, and whether they surely pass
// and attend (sure: the contracts under review that come out eligible).
type profile struct {
	level, onTime float64
	trains, sure  bool
}

// profiles draws each person's profile, deterministic for a seed: most
// are steady (0.7 to 1.15 of their targets, who keep up with training),
// about one in eight struggles (0.45 to 0.65) and one in twelve is weak
// (0.25 to 0.4), those two training less often. Of the contracts that end
// in the quarter of now or the next (by code), the first, third… belong to
// strong people who hold every certificate, the others to weak ones, so
// that the contract review has people eligible and not.
func profiles(people []collaborators.Collaborator, now time.Time, seed uint64) map[string]profile {
	r := rand.New(rand.NewPCG(seed, 0x70726f66))
	out := make(map[string]profile, len(people))
	q := clock.QuarterOf(now)
	review := 0
	for _, p := range people { // sorted by code
		v := r.IntN(100)
		pr := profile{level: 0.7 + 0.45*r.Float64(), onTime: 0.9, trains: r.IntN(100) < 93}
		switch {
		case v < 8:
			pr = profile{level: 0.25 + 0.15*r.Float64(), onTime: 0.5, trains: r.IntN(2) == 0}
		case v < 20:
			pr = profile{level: 0.45 + 0.2*r.Float64(), onTime: 0.7, trains: r.IntN(100) < 70}
		}
		if end, err := time.ParseInLocation(time.DateOnly, p.Contract.EndsOn, clock.VN); err == nil && (q.Contains(end) || q.Next().Contains(end)) {
			if review%2 == 0 {
				pr = profile{level: 1.05, onTime: 1, trains: true, sure: true}
			} else {
				pr = profile{level: 0.35, onTime: 0.5, trains: pr.trains}
			}
			review++
		}
		out[p.ID] = pr
	}
	return out
}

// trained fills a province-wide class that is over: everyone invited two
// weeks before; those who keep up with training accept and come (a few
// late), most others too.
func trained(r *rand.Rand, x *scheduling.Session, invitees []collaborators.Collaborator, prof map[string]profile, coordinatorID string) {
	invited := x.StartsAt.Add(-14 * 24 * time.Hour)
	for _, p := range invitees {
		pr := prof[p.ID]
		inv := invitation(r, p.ID, invited, x.StartsAt.Add(-2*time.Hour), 95, 100)
		st := Share(r.IntN(100), 88, 12, 0)
		if !pr.trains {
			inv = invitation(r, p.ID, invited, x.StartsAt.Add(-2*time.Hour), 50, 80)
			st = Share(r.IntN(100), 45, 10, 20)
		}
		if pr.sure {
			inv.Response, st = scheduling.ResponseAccepted, scheduling.AttendPresent
			inv.RespondedAt = answeredAt(r, invited, x.StartsAt.Add(-2*time.Hour))
		}
		x.Invitations = append(x.Invitations, inv)
		x.Attendance = append(x.Attendance, scheduling.Mark{CollaboratorID: p.ID, Status: st, MarkedAt: x.EndsAt.Add(-10 * time.Minute), MarkedBy: coordinatorID})
	}
	x.ReminderSent = true
	x.Rev = int64(2 + 2*len(invitees))
}

var (
	trainers = []string{"ThS. Nguyễn Văn Hùng", "TS. Trần Thị Mai", "KS. Lê Quốc Bảo", "ThS. Phạm Ngọc Lan", "CN. Võ Minh Tâm"}
	places   = []string{"Hội trường UBND %s", "Phòng họp Phòng Kinh tế %s", "Trung tâm Văn hóa %s"}
)

// classTime is 8:00 or 13:30 in Vietnam on the working day of day (a
// weekend moves to the Monday).
func classTime(r *rand.Rand, day time.Time) time.Time {
	d := day.In(clock.VN)
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	h, m := 8, 0
	if r.IntN(3) == 0 {
		h, m = 13, 30
	}
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, clock.VN).UTC()
}

func newSession(r *rand.Rand, course, title string, start time.Time, area, areaName string) scheduling.Session {
	id := make([]byte, 8)
	key := make([]byte, 32)
	for i := range id {
		id[i] = byte(r.UintN(256))
	}
	for i := range key {
		key[i] = byte(r.UintN(256))
	}
	return scheduling.Session{ID: hex.EncodeToString(id), CourseCode: course, Title: title, StartsAt: start,
		EndsAt: start.Add(time.Duration(3+r.IntN(2)) * time.Hour), Location: fmt.Sprintf(places[r.IntN(len(places))], areaName),
		AreaCode: area, Trainer: trainers[r.IntN(len(trainers))], Status: scheduling.StatusScheduled, CheckinKey: key}
}

// answeredAt is a moment between an invitation and limit.
func answeredAt(r *rand.Rand, invited, limit time.Time) time.Time {
	span := limit.Sub(invited)
	if span <= time.Minute {
		return invited
	}
	return invited.Add(time.Duration(r.Int64N(int64(span)))).Truncate(time.Second)
}

// invitation is collaborator id's invitation sent at invited: accepted
// when a draw of 100 falls below accept, else declined below decline, else
// pending; an answer comes between invited and by.
func invitation(r *rand.Rand, id string, invited, by time.Time, accept, decline int) scheduling.Invitation {
	inv := scheduling.Invitation{CollaboratorID: id, Response: scheduling.ResponsePending, InvitedAt: invited, Notified: 0}
	switch v := r.IntN(100); {
	case v < accept:
		inv.Response = scheduling.ResponseAccepted
	case v < decline:
		inv.Response = scheduling.ResponseDeclined
	}
	if inv.Response != scheduling.ResponsePending {
		inv.RespondedAt = answeredAt(r, invited, by)
	}
	return inv
}

// past fills a session that is over: everyone invited and mailed a week or
// so before, their answers, and a mark for each (mostly present for those
// who accepted; half of those present checked in themselves).
func past(r *rand.Rand, x *scheduling.Session, invitees []collaborators.Collaborator, coordinatorID string) {
	invited := x.StartsAt.Add(-time.Duration(5+r.IntN(8)) * 24 * time.Hour).Add(time.Duration(r.IntN(6*3600)) * time.Second)
	for _, p := range invitees {
		inv := invitation(r, p.ID, invited, x.StartsAt.Add(-2*time.Hour), 72, 88)
		x.Invitations = append(x.Invitations, inv)
		v := r.IntN(100)
		st := Share(v, 25, 10, 15)
		switch inv.Response {
		case scheduling.ResponseAccepted:
			st = Share(v, 78, 12, 4)
		case scheduling.ResponseDeclined:
			st = Share(v, 0, 5, 70)
		}
		m := scheduling.Mark{CollaboratorID: p.ID, Status: st, MarkedAt: x.EndsAt.Add(-10 * time.Minute), MarkedBy: coordinatorID}
		if st == scheduling.AttendPresent && r.IntN(2) == 0 {
			m.MarkedBy, m.MarkedAt = "checkin", x.StartsAt.Add(time.Duration(r.IntN(15)-15)*time.Minute)
		}
		x.Attendance = append(x.Attendance, m)
	}
	x.ReminderSent = true
	x.Rev = int64(2 + 2*len(invitees))
}

// upcoming fills a session to come: invited one to four days before now,
// about half have answered.
func upcoming(r *rand.Rand, x *scheduling.Session, invitees []collaborators.Collaborator, now time.Time) {
	invited := now.Add(-time.Duration(24+r.IntN(72)) * time.Hour).Truncate(time.Second)
	for _, p := range invitees {
		x.Invitations = append(x.Invitations, invitation(r, p.ID, invited, now, 45, 55))
	}
	x.Rev = int64(2 + len(invitees))
}

// Share turns v in [0, 100) into an attendance status: present below p,
// late below p+l, excused below p+l+e, absent otherwise (the benchmark
// fixture draws its marks with it too).
func Share(v, p, l, e int) string {
	switch {
	case v < p:
		return scheduling.AttendPresent
	case v < p+l:
		return scheduling.AttendLate
	case v < p+l+e:
		return scheduling.AttendExcused
	}
	return scheduling.AttendAbsent
}

// attempts has the people take each course required of them (nearly all
// of those who keep up with training, about half of the others) in the
// last eleven months, one in ten so long ago that a one-year certificate
// is inside its renewal window: tries a few days apart until one passes or
// max_attempts are used, answers following the person's skill (a sure
// person answers right).
func attempts(r *rand.Rand, people []collaborators.Collaborator, cat []courses.Course, prof map[string]profile, now time.Time) []quizzes.Attempt {
	var out []quizzes.Attempt
	for _, p := range people {
		pr := prof[p.ID]
		skill := 0.35 + 0.6*r.Float64()
		take := 50
		if pr.trains {
			skill, take = min(0.97, skill+0.15), 95
		}
		for _, c := range cat {
			if !c.IsRequiredFor(p.Role) || len(c.Quiz.Questions) == 0 || (r.IntN(100) >= take && !pr.sure) {
				continue
			}
			days := 20 + r.IntN(280)
			if r.IntN(10) == 0 && !pr.sure {
				days = 325 + r.IntN(20)
			}
			at := now.Add(-time.Duration(days) * 24 * time.Hour).Add(time.Duration(r.IntN(8*3600)) * time.Second).Truncate(time.Second)
			for n := 1; n <= c.Quiz.MaxAttempts && at.Before(now.Add(-24*time.Hour)); n++ {
				a := quizzes.NewAttempt(p.ID, p.AreaCode, c, n, at, r)
				for _, q := range a.Questions {
					a.Answers[q.ID] = answer(r, q, pr.sure || r.Float64() < skill)
				}
				took := time.Duration(4+r.IntN(max(1, c.Quiz.TimeLimitMinutes-5))) * time.Minute
				a.SavedAt = at.Add(took - 20*time.Second)
				a = a.Grade(at.Add(took))
				out = append(out, a)
				if a.Passed {
					break
				}
				at = at.Add(time.Duration(2+r.IntN(9)) * 24 * time.Hour)
				skill = min(0.97, skill+0.1) // studied before the retake
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].StartedAt.Before(out[j].StartedAt) })
	return out
}

// answer picks options for q: the right ones when right, otherwise a wrong
// choice (sorted ids, as the engine stores them).
func answer(r *rand.Rand, q quizzes.Question, right bool) []string {
	correct := q.CorrectIDs()
	if right {
		return correct
	}
	var wrong []string
	for _, o := range q.Options {
		if !slices.Contains(correct, o.ID) {
			wrong = append(wrong, o.ID)
		}
	}
	if len(wrong) == 0 {
		return correct
	}
	pick := []string{wrong[r.IntN(len(wrong))]}
	if q.Kind == courses.KindMultiple && len(correct) > 1 {
		pick = append(pick, correct[0]) // half right is still wrong
		slices.Sort(pick)
	}
	return pick
}

// LoadActivity writes the demo's sample sessions, their delivered
// invitation mails and graded attempts (see Sample) and quarterly records
// (see SampleRecords) for the network just loaded, relative to now. It sends no mail: the sessions go through
// scheduling's history path with every invitation already notified, their
// mails straight into the sent archive (the outbox page shows them; the
// queue stays empty). Call it only right after Load wrote the network.
func LoadActivity(ctx context.Context, n Network, d ActivityDeps, now time.Time, seed uint64) (Activity, error) {
	var act Activity
	people, err := d.Collaborators.List(ctx, authz.All, collaborators.Filter{})
	if err != nil {
		return act, err
	}
	areas, err := d.Collaborators.Areas(ctx)
	if err != nil {
		return act, err
	}
	coordinator := ""
	for _, s := range n.Staff {
		if s.Role == authz.RoleCoordinator {
			coordinator = strings.ToLower(strings.TrimSpace(s.Email))
			break
		}
	}
	users, err := d.Accounts.Users(ctx)
	if err != nil {
		return act, err
	}
	coordID := ""
	accountOf := map[string]string{} // collaborator → account
	for _, u := range users {
		if coordinator != "" && strings.EqualFold(u.Email, coordinator) {
			coordID = u.ID
		}
		if u.CollaboratorID != "" {
			accountOf[u.CollaboratorID] = u.ID
		}
	}
	cat := d.Catalog.Courses()
	sessions, as := Sample(people, areas, cat, coordID, now, seed)
	for _, c := range cat { // the attempts are drawn from the current banks
		if err := d.Quizzes.PutBank(ctx, c.Code, c.Quiz.Version, c.Quiz.Questions); err != nil {
			return act, fmt.Errorf("demo: quiz bank %s: %w", c.Code, err)
		}
	}
	if err := d.Quizzes.InsertResults(ctx, as); err != nil {
		return act, fmt.Errorf("demo: quiz results: %w", err)
	}
	if err := d.Scheduling.InsertHistory(ctx, sessions); err != nil {
		return act, fmt.Errorf("demo: sessions: %w", err)
	}
	mails, err := invitationMails(sessions, people, areas, d)
	if err != nil {
		return act, fmt.Errorf("demo: invitation mails: %w", err)
	}
	if err := d.Outbox.InsertSent(ctx, mails); err != nil {
		return act, fmt.Errorf("demo: invitation mails: %w", err)
	}
	var qs []performance.Quarter
	if d.Performance != nil {
		qs = SampleRecords(people, accountOf, coordID, d.Weights, now, seed)
		if err := d.Performance.Bulk(ctx, qs); err != nil {
			return act, fmt.Errorf("demo: quarterly records: %w", err)
		}
	}
	for _, q := range qs {
		act.Records += len(q.Records)
		for _, r := range q.Records {
			if r.Status == performance.Approved {
				act.Approved++
			}
		}
	}
	act.Quarters = len(qs)
	for _, x := range sessions {
		if x.EndsAt.Before(now) {
			act.Past++
		} else {
			act.Upcoming++
		}
		act.Invitations += len(x.Invitations)
		act.Marks += len(x.Attendance)
	}
	for _, a := range as {
		if a.Passed {
			act.Passed++
		}
	}
	act.Attempts, act.Mails = len(as), len(mails)
	return act, nil
}

// invitationMails composes each session's invitation to each invitee with
// the product's templates, as delivered a couple of seconds after the
// invitation, under the key the scheduling service gives it.
func invitationMails(sessions []scheduling.Session, people []collaborators.Collaborator, areas []collaborators.Area, d ActivityDeps) ([]mail.Delivered, error) {
	var composedAt time.Time
	titles := func(code, lang string) string {
		if c, ok := d.Catalog.Course(code); ok {
			return c.Title.In(lang)
		}
		return code
	}
	notices, err := scheduling.LoadNotices(d.MailFiles, d.MailFrom, "Trung tâm Khuyến công", func() time.Time { return composedAt }, titles)
	if err != nil {
		return nil, err
	}
	areaName := map[string]string{}
	for _, a := range areas {
		areaName[a.Code] = a.Name
	}
	who := map[string]scheduling.Person{}
	for _, c := range people {
		who[c.ID] = scheduling.Person{ID: c.ID, Code: c.Code, Name: c.FullName, Email: c.Email, AreaCode: c.AreaCode,
			AreaName: areaName[c.AreaCode], Role: c.Role}
	}
	var out []mail.Delivered
	for _, x := range sessions {
		// Composed as the session stood when invited: nobody had answered.
		blank := x
		blank.Invitations = make([]scheduling.Invitation, len(x.Invitations))
		for i, inv := range x.Invitations {
			blank.Invitations[i] = scheduling.Invitation{CollaboratorID: inv.CollaboratorID, Response: scheduling.ResponsePending, InvitedAt: inv.InvitedAt}
		}
		blank.Attendance = nil
		for _, inv := range x.Invitations {
			p, ok := who[inv.CollaboratorID]
			if !ok {
				return nil, fmt.Errorf("session %s invites unknown collaborator %s", x.ID, inv.CollaboratorID)
			}
			composedAt = inv.InvitedAt
			m, err := notices.Compose(scheduling.NoticeInvite, blank, p, d.BaseURL+"/rsvp/"+d.Scheduling.Token(x.ID, inv.CollaboratorID))
			if err != nil {
				return nil, err
			}
			msg := mail.Message{Key: scheduling.NoticeKey(scheduling.NoticeInvite, x, inv.CollaboratorID), To: mail.Address{Email: m.To, Name: m.ToName},
				Subject: m.Subject, Text: m.Text, HTML: m.HTML, Date: inv.InvitedAt}
			if m.Calendar != "" {
				msg.Calendar = &mail.Calendar{Method: m.CalendarMethod, ICS: m.Calendar, Filename: m.CalendarFile}
			}
			out = append(out, mail.Delivered{Message: msg, QueuedAt: inv.InvitedAt, SentAt: inv.InvitedAt.Add(2 * time.Second), Attempts: 1})
		}
	}
	return out, nil
}
