package collaborators_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/storetest"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

var t0 = time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)

func person(id string) collaborators.Collaborator {
	return collaborators.Collaborator{ID: id, Code: "C-" + id, Email: id + "@example.vn", FullName: "Người " + id, Role: "ctv", AreaCode: "U1"}
}

// wantConflictOn checks a conflict that names field.
func wantConflictOn(t *testing.T, err error, field, what string) {
	t.Helper()
	if !errs.OnField(err, errs.Conflict, field) {
		t.Fatalf("%s: %v, want a conflict on %s", what, err, field)
	}
}

// Setting the district units again on a network of 110 answers and keeps
// the order given: PutAreas must never send the embedded store one bulk
// update of more than 100 upserts, which it does not answer (docs/STORE.md).
func TestPutAreasAgainOverAHundredUnits(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		ctx := context.Background()
		st := collaborators.NewStore(storetest.Indexed(t, db, collaborators.Indexes()))
		var areas []collaborators.Area
		for i := 0; i < 110; i++ {
			areas = append(areas, collaborators.Area{Code: fmt.Sprintf("U-%03d", i), Name: fmt.Sprintf("Đơn vị %d", i)})
		}
		if err := st.PutAreas(ctx, areas); err != nil {
			t.Fatal(err)
		}
		more := append([]collaborators.Area{{Code: "U-NEW", Name: "Đơn vị mới"}}, areas...)
		if err := st.PutAreas(ctx, more); err != nil {
			t.Fatalf("second PutAreas: %v", err)
		}
		got, err := st.Areas(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 111 || got[0].Code != "U-NEW" || got[110].Code != "U-109" || got[110].Name != "Đơn vị 109" {
			t.Fatalf("got %d areas, first %v, last %v", len(got), got[0], got[len(got)-1])
		}
	})
}

// Codes and emails are unique on insert and on update; an import's records
// go together; an update that loses no write bumps the version.
func TestStoreCollaborators(t *testing.T) {
	t.Parallel()
	storetest.EachMode(t, func(t *testing.T, db *mongo.Database) {
		ctx := context.Background()
		st := collaborators.NewStore(storetest.Indexed(t, db, collaborators.Indexes()))
		if err := st.Insert(ctx, []collaborators.Collaborator{person("a")}, "", t0); err != nil {
			t.Fatal(err)
		}
		b := person("b")
		b.Email = "a@example.vn"
		wantConflictOn(t, st.Insert(ctx, []collaborators.Collaborator{b}, "", t0), "email", "a second a@example.vn")
		c := person("c")
		c.Code = "C-a"
		wantConflictOn(t, st.Insert(ctx, []collaborators.Collaborator{c}, "", t0), "code", "a second C-a")
		wantConflictOn(t, st.Insert(ctx, []collaborators.Collaborator{person("d"), b}, "imp-1", t0), "email", "an import with a taken email")
		if err := st.DeleteImport(ctx, "imp-1"); err != nil {
			t.Fatal(err)
		}
		if err := st.Insert(ctx, []collaborators.Collaborator{person("e"), person("f")}, "imp-2", t0); err != nil {
			t.Fatal(err)
		}
		all, err := st.All(ctx)
		if err != nil || len(all) != 3 {
			t.Fatalf("All: %d records, %v; want a, e and f", len(all), err)
		}

		got, err := st.Update(ctx, "a", t0, func(c *collaborators.Collaborator) error { c.Archived = true; return nil })
		if err != nil || !got.Archived || got.Code != "C-a" {
			t.Fatalf("Update: %+v, %v", got, err)
		}
		_, err = st.Update(ctx, "e", t0, func(c *collaborators.Collaborator) error { c.Email = "f@example.vn"; return nil })
		wantConflictOn(t, err, "email", "an update to a taken email")
		if _, err := st.Update(ctx, "nobody", t0, func(*collaborators.Collaborator) error { return nil }); !errs.Is(err, errs.NotFound) {
			t.Fatalf("Update of a missing record: %v", err)
		}
		if got, err := st.Get(ctx, "e"); err != nil || got.Email != "e@example.vn" {
			t.Fatalf("e after a refused update: %+v, %v", got, err)
		}

		for want := int64(0); want < 3; want++ {
			if v, err := st.Version(ctx); err != nil || v != want {
				t.Fatalf("Version: %d, %v; want %d", v, err, want)
			}
			if err := st.Bump(ctx); err != nil {
				t.Fatal(err)
			}
		}
	})
}
