package collaborators

import (
	"testing"
)

// The edit form patches only what differs from the record: a renewal of
// an ended contract that leaves the status as shown makes it active (as
// the API's PATCH without a status does), and the form's ways of writing
// dates and amounts read as the stored values.
func TestEditFormPatchesWhatChanged(t *testing.T) {
	ended := Collaborator{ID: "x", Code: "NT-01", FullName: "Nguyễn Văn An", Email: "an@example.vn", Phone: "0912345678", Role: "ctv",
		AreaCode: "NT", Commune: "Xã Long Tân", Contract: Contract{Number: "1/2025", StartsOn: "2025-01-01", EndsOn: "2026-06-30",
			Status: ContractEnded, QuarterlyStipend: 1500000}}

	f := formOf(ended)
	f.StartsOn, f.Stipend = "01/01/2025", "1.500.000" // the same values, written as typed
	if p, bad := f.patchOf(ended); len(bad) > 0 || !p.empty() {
		t.Fatalf("an unchanged form patches %+v (problems %v)", p.Contract, bad)
	}

	f.EndsOn = "30/06/2028"
	p, bad := f.patchOf(ended)
	if len(bad) > 0 || p.Contract == nil || p.Contract.EndsOn == nil || *p.Contract.EndsOn != "2028-06-30" || p.Contract.Status != nil ||
		p.Code != nil || p.Phone != nil || p.Contract.QuarterlyStipend != nil {
		t.Fatalf("a later end patches %+v", p.Contract)
	}
	next, _, err := Apply(ended, p, true, func(string) bool { return true })
	if err != nil || next.Contract.Status != ContractActive || next.Contract.EndsOn != "2028-06-30" {
		t.Errorf("the renewal applies as %+v, %v", next.Contract, err)
	}

	f.Stipend = "một triệu"
	if _, bad := f.patchOf(ended); bad["quarterly_stipend"] != "registry_form.err.quarterly_stipend" {
		t.Errorf("an amount in words: problems %v", bad)
	}
}

// An amount is whole đồng: separators group thousands; a fraction is
// refused (helper-71: "1500000.5" was stored as 15,000,005).
func TestFormStipendIsWholeDong(t *testing.T) {
	for typed, want := range map[string]int64{"1500000": 1500000, "1.500.000": 1500000, "1,500,000": 1500000,
		"1 500 000": 1500000, "1.500.000 đ": 1500000, "2.760.000₫": 2760000, "1.500.000 VND": 1500000, "": 0} {
		if n, ok := (registryForm{Stipend: typed}).stipend(); !ok || n != want {
			t.Errorf("%q reads as %d, %v; want %d", typed, n, ok, want)
		}
	}
	for _, bad := range []string{"1500000.5", "1500000,5", "1.500.000,5", "1.5000.000", "1.500,000", "15.00", "-1", "một triệu"} {
		if n, ok := (registryForm{Stipend: bad}).stipend(); ok {
			t.Errorf("%q accepted as %d", bad, n)
		}
	}
}
