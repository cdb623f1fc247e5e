package collaborators_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/ctvacademy/academy/modules/collaborators"
	"github.com/ctvacademy/academy/modules/platform/storetest"
)

// Setting the district units again on a network of 110 (the benchmark
// fixture's) answers and keeps the order given: one bulk update of more
// than 100 upserts of existing units was never answered by the embedded
// store.
func TestPutAreasAgainOverAHundredUnits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := collaborators.NewStore(storetest.New(t))
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
	if len(got) != 111 || got[0].Code != "U-NEW" || got[110].Code != "U-109" {
		t.Fatalf("got %d areas, first %v, last %v", len(got), got[0], got[len(got)-1])
	}
}
