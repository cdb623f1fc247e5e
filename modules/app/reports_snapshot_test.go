package app_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/reports"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestReportsSnapshotServesAColdProcessUntilAnInputMoves: the network's
// inputs a process computed are kept in the store (reports_snapshots);
// a fresh process (a twin on the same database) answers its first
// matrix from them without computing them again (the stored snapshot is
// not written again), and when another instance changes an input — a
// certificate issued and revoked, a person renamed in the registry, a
// quarterly record approved — or the day moves, the next fresh process
// shows the change, never the stored snapshot.
func TestReportsSnapshotServesAColdProcessUntilAnInputMoves(t *testing.T) {
	t.Parallel()
	s, clk, _, lead, ctv := reportsDemo(t)
	const course = "KC-102"
	snaps := s.App.DB.Collection("reports_snapshots")
	head := func() (key, gen string) {
		t.Helper()
		var d struct {
			Key string `bson:"key"`
			Gen string `bson:"gen"`
		}
		if err := snaps.FindOne(t.Context(), bson.D{{Key: "_id", Value: "network"}}).Decode(&d); err != nil {
			t.Fatalf("the stored snapshot: %v", err)
		}
		return d.Key, d.Gen
	}
	// cold is the NT row of ctv in the first matrix of a fresh process.
	cold := func() reports.Row {
		t.Helper()
		tw := s.Twin(t)
		row, ok := rowOf(competency(t, tw, tw.LoginDemo(t, apptest.Leadership), "area_code=NT"), ctv.ID)
		if !ok {
			t.Fatalf("%s is not in a fresh process's matrix", ctv.Code)
		}
		return row
	}
	cell := func(r reports.Row, c reports.Competency) string {
		j := slices.Index(c.Courses, course)
		if j < 0 {
			t.Fatalf("no %s column", course)
		}
		return r.Cells[j].Status
	}
	warm := competency(t, s, lead, "area_code=NT")
	row, _ := rowOf(warm, ctv.ID)
	if got := cell(row, warm); got != "missing" || row.LastAttainment != nil {
		t.Fatalf("before any change: cell %q, last attainment %+v", got, row.LastAttainment)
	}
	key0, gen0 := head()
	if !strings.Contains(key0, "/2026-11-20/") {
		t.Fatalf("snapshot key %q, want the day 2026-11-20 in it", key0)
	}
	if got := cold(); got.Name != row.Name || cell(got, warm) != "missing" {
		t.Fatalf("a fresh process: %+v", got)
	}
	if key, gen := head(); key != key0 || gen != gen0 {
		t.Fatalf("a fresh process with nothing changed wrote the snapshot again: %s %s, was %s %s", key, gen, key0, gen0)
	}

	// Every change below is made by another instance.
	other := s.Twin(t)
	coord := other.LoginDemo(t, apptest.Coordinator)
	passQuiz(t, other, other.LoginDemo(t, ctv.Email), course)
	if got := cell(cold(), warm); got != "valid" {
		t.Fatalf("a fresh process after the other's certificate: cell %q, want valid", got)
	}
	revokeCourse(t, other, coord, ctv.ID, course)
	if got := cell(cold(), warm); got != "revoked" {
		t.Fatalf("a fresh process after the other's revocation: cell %q, want revoked", got)
	}

	const name = "Nguyễn Thị Đổi Tên"
	if r := other.Do(t, "PATCH", "/api/v1/collaborators/"+ctv.ID, coord, map[string]any{"full_name": name}); r.Status != 200 {
		t.Fatalf("rename: %d %s", r.Status, r.Body)
	}
	if got := cold(); got.Name != name {
		t.Fatalf("a fresh process after the other's rename: %q, want %q", got.Name, name)
	}

	approveQuarter(t, other, coord, ctv.ID, "2026-Q3", 5)
	if got := cold(); got.LastAttainment == nil || got.LastAttainment.Quarter != "2026-Q3" {
		t.Fatalf("a fresh process after the other's approved quarter: last attainment %+v, want 2026-Q3", got.LastAttainment)
	}
	// The warm process follows the other's changes too.
	if got, _ := rowOf(competency(t, s, lead, "area_code=NT"), ctv.ID); got.Name != name || cell(got, warm) != "revoked" || got.LastAttainment == nil {
		t.Fatalf("the first process after the other's changes: %+v", got)
	}

	// A new day: the stored snapshot is of yesterday, and is not served.
	_, gen1 := head()
	clk.Set(time.Date(2026, 11, 21, 3, 0, 0, 0, time.UTC))
	cold()
	if key, gen := head(); gen == gen1 || !strings.Contains(key, "/2026-11-21/") {
		t.Fatalf("a fresh process a day on: snapshot %s %s, want one computed on 2026-11-21 (was %s)", key, gen, gen1)
	}
}

// TestReportsSnapshotJobKeepsTheStoredSnapshotCurrent: after an input
// moves, the reports.snapshot job computes the network's inputs again and
// stores them, so a process started afterwards answers its first matrix
// from the store with the change in it, and does not compute (nor store)
// them again.
func TestReportsSnapshotJobKeepsTheStoredSnapshotCurrent(t *testing.T) {
	t.Parallel()
	s, clk, coord, lead, ctv := reportsDemo(t)
	head := func() (key, gen string) {
		t.Helper()
		var d struct {
			Key string `bson:"key"`
			Gen string `bson:"gen"`
		}
		if err := s.App.DB.Collection("reports_snapshots").FindOne(t.Context(), bson.D{{Key: "_id", Value: "network"}}).Decode(&d); err != nil {
			t.Fatalf("the stored snapshot: %v", err)
		}
		return d.Key, d.Gen
	}
	if row, _ := rowOf(competency(t, s, lead, "area_code=NT"), ctv.ID); row.LastAttainment != nil {
		t.Fatalf("before the approval: last attainment %+v", row.LastAttainment)
	}
	key0, _ := head()
	approveQuarter(t, s, coord, ctv.ID, "2026-Q3", 5)
	if key, _ := head(); key != key0 {
		t.Fatalf("the approval alone stored a snapshot (%s); the test wants the job to", key)
	}

	// The job is due; RunDue runs it unless the runner's own loop has
	// just started it (then RunDue skips it): wait for its snapshot.
	clk.Advance(reports.SnapshotEvery + time.Second)
	key1, gen1 := head()
	for deadline := time.Now().Add(20 * time.Second); key1 == key0 && time.Now().Before(deadline); key1, gen1 = head() {
		if err := s.App.Jobs.RunDue(t.Context()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if key1 == key0 {
		t.Fatalf("after the job the stored snapshot is still at %s", key0)
	}

	tw := s.Twin(t)
	row, ok := rowOf(competency(t, tw, tw.LoginDemo(t, apptest.Leadership), "area_code=NT"), ctv.ID)
	if !ok || row.LastAttainment == nil || row.LastAttainment.Quarter != "2026-Q3" {
		t.Fatalf("a fresh process after the job: %+v, want the approved 2026-Q3", row)
	}
	if key, gen := head(); key != key1 || gen != gen1 {
		t.Fatalf("the fresh process computed the inputs again: snapshot %s %s, the job's %s %s", key, gen, key1, gen1)
	}
}
