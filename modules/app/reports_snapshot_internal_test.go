package app

import (
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/certification"
	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"github.com/ctvacademy/academy/modules/reports"
	"github.com/ctvacademy/academy/modules/standing"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestSnapshotsPagedAndKeyed: the network's inputs split over several
// documents (parts of 512 bytes here, as a national network's are of a
// few MB) read back whole at their key; another key, another day, other
// standing rules or parts of two writes read nothing.
func TestSnapshotsPagedAndKeyed(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	rules := standing.Config{ContractTermMonths: 12}
	s := newSnapshots(db, rules, slog.Default())
	s.part = 512
	at := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
	in := &reports.Inputs{}
	for i := range 40 {
		id := "ctv-" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		in.People = append(in.People, reports.Person{ID: id, Code: "NT-" + id, Name: "Nguyễn Văn " + id, Role: "ctv", Area: "NT",
			Standing: standing.Good, RenewalEligible: i%2 == 0, ContractEnd: at.AddDate(0, i, 0)})
		in.Certificates = append(in.Certificates, certification.Certificate{ID: "c-" + id, Collaborator: id, Course: "KC-101",
			Cycles: []certification.Cycle{{N: 1, IssuedAt: at, CompletedAt: at, ExpiresAt: at.AddDate(2, 0, 0)}}})
		in.Records = append(in.Records, reports.Record{Person: id, Area: "NT", Quarter: clock.Quarter{Year: 2026, Q: 3}, Status: standing.RecordApproved,
			Targets: standing.KPIs{"profiles": 10}, Actuals: standing.KPIs{"profiles": float64(i)}, Attainment: float64(i) / 40})
	}
	k := reportsKey{reg: 3, certs: 5, records: 7, day: "2026-11-20"}
	ctx := t.Context()
	if err := s.save(ctx, k, in); err != nil {
		t.Fatal(err)
	}
	if n, err := db.Collection("reports_snapshots").CountDocuments(ctx, bson.D{}); err != nil || n < 3 {
		t.Fatalf("%d parts stored (%v), want several", n, err)
	}
	got, err := s.load(ctx, k)
	if err != nil || got == nil {
		t.Fatalf("load at its key: %v, %v", got, err)
	}
	for i, p := range got.People {
		if !p.ContractEnd.Equal(in.People[i].ContractEnd) {
			t.Fatalf("person %d's contract end %v, want %v", i, p.ContractEnd, in.People[i].ContractEnd)
		}
		got.People[i].ContractEnd = in.People[i].ContractEnd
	}
	for _, c := range got.Certificates {
		for j := range c.Cycles {
			c.Cycles[j].IssuedAt, c.Cycles[j].CompletedAt, c.Cycles[j].ExpiresAt = c.Cycles[j].IssuedAt.UTC(), c.Cycles[j].CompletedAt.UTC(), c.Cycles[j].ExpiresAt.UTC()
		}
	}
	if !reflect.DeepEqual(got.People, in.People) || !reflect.DeepEqual(got.Certificates, in.Certificates) || !reflect.DeepEqual(got.Records, in.Records) {
		t.Fatalf("read back differs:\n%+v\nwant\n%+v", got, in)
	}

	for name, other := range map[string]reportsKey{
		"registry": {reg: 4, certs: 5, records: 7, day: k.day}, "certificates": {reg: 3, certs: 6, records: 7, day: k.day},
		"records": {reg: 3, certs: 5, records: 8, day: k.day}, "day": {reg: 3, certs: 5, records: 7, day: "2026-11-21"},
	} {
		if got, err := s.load(ctx, other); err != nil || got != nil {
			t.Fatalf("another %s version: %v, %v; want nothing", name, got, err)
		}
	}
	if got, err := newSnapshots(db, standing.Config{ContractTermMonths: 24}, slog.Default()).load(ctx, k); err != nil || got != nil {
		t.Fatalf("other standing rules: %v, %v; want nothing", got, err)
	}
	// A second write's later part beside the first's head.
	if _, err := db.Collection("reports_snapshots").UpdateOne(ctx, bson.D{{Key: "_id", Value: "network.1"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "gen", Value: "another"}}}}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.load(ctx, k); err != nil || got != nil {
		t.Fatalf("parts of two writes: %v, %v; want nothing", got, err)
	}
}
