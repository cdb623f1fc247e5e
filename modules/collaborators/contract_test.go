package collaborators_test

import (
	"testing"

	"github.com/ctvacademy/academy/modules/collaborators"
)

func term(number, from, to, status string) collaborators.ContractTerm {
	return collaborators.ContractTerm{Number: number, StartsOn: from, EndsOn: to, Status: status, QuarterlyStipend: 1_000_000}
}

func contract(t collaborators.ContractTerm) collaborators.Contract {
	return collaborators.Contract{Number: t.Number, StartsOn: t.StartsOn, EndsOn: t.EndsOn, Status: t.Status, QuarterlyStipend: t.QuarterlyStipend}
}

// TestContractHistory: a change keeps the previous version with the day
// it was replaced; no change keeps nothing; the history is bounded.
func TestContractHistory(t *testing.T) {
	t.Parallel()
	a := contract(term("A", "2025-01-01", "2026-12-15", "active"))
	b := contract(term("A-R1", "2026-12-16", "2027-12-15", "active"))
	h := collaborators.ContractHistory(nil, a, a, "2026-12-04")
	if len(h) != 0 {
		t.Fatalf("no change recorded %+v", h)
	}
	h = collaborators.ContractHistory(nil, a, b, "2026-12-04")
	if len(h) != 1 || h[0].Number != "A" || h[0].EndsOn != "2026-12-15" || h[0].ReplacedOn != "2026-12-04" {
		t.Fatalf("after a renewal: %+v", h)
	}
	for range 2 * collaborators.MaxContractHistory {
		c := b
		c.QuarterlyStipend++
		h = collaborators.ContractHistory(h, b, c, "2026-12-05")
		b = c
	}
	if len(h) != collaborators.MaxContractHistory || h[len(h)-1].QuarterlyStipend != b.QuarterlyStipend-1 {
		t.Fatalf("bounded history: %d entries, last %+v", len(h), h[len(h)-1])
	}
}

// TestInForce: the version governing each day.
func TestInForce(t *testing.T) {
	t.Parallel()
	old := term("A", "2025-01-01", "2026-12-15", "active")
	renewed := term("A-R1", "2026-12-16", "2027-12-15", "active")
	suspended := term("A", "2025-01-01", "2026-12-15", "suspended")
	long := term("B", "2025-01-01", "2027-06-30", "active")
	at := func(c collaborators.ContractTerm, on string) collaborators.ContractTerm { c.ReplacedOn = on; return c }
	for _, tc := range []struct {
		name    string
		rec     collaborators.Collaborator
		day     string
		want    string // number/status, "" none
		covered bool
	}{
		{"no history: the contract", collaborators.Collaborator{Contract: contract(old)}, "2026-05-01", "A/active", true},
		{"no history: before its start", collaborators.Collaborator{Contract: contract(old)}, "2024-12-31", "", false},
		{"renewed: a day of the old term", collaborators.Collaborator{Contract: contract(renewed), ContractHistory: []collaborators.ContractTerm{at(old, "2026-12-04")}}, "2026-12-15", "A/active", true},
		{"renewed: a closed quarter", collaborators.Collaborator{Contract: contract(renewed), ContractHistory: []collaborators.ContractTerm{at(old, "2026-12-04")}}, "2026-05-01", "A/active", true},
		{"renewed: the new term", collaborators.Collaborator{Contract: contract(renewed), ContractHistory: []collaborators.ContractTerm{at(old, "2026-12-04")}}, "2026-12-16", "A-R1/active", true},
		{"suspended today: before", collaborators.Collaborator{Contract: contract(suspended), ContractHistory: []collaborators.ContractTerm{at(old, "2026-12-04")}}, "2026-12-03", "A/active", true},
		{"suspended today: from today", collaborators.Collaborator{Contract: contract(suspended), ContractHistory: []collaborators.ContractTerm{at(old, "2026-12-04")}}, "2026-12-04", "A/suspended", true},
		{"start moved earlier later on", collaborators.Collaborator{Contract: contract(term("A", "2024-06-01", "2026-12-15", "active")), ContractHistory: []collaborators.ContractTerm{at(old, "2026-12-04")}}, "2024-07-01", "A/active", true},
		{"after the last term", collaborators.Collaborator{Contract: contract(renewed), ContractHistory: []collaborators.ContractTerm{at(old, "2026-12-04")}}, "2027-12-16", "", false},
		// Ended early on 2026-11-15, recorded on 2026-12-04 (a long contract).
		{"ended early: a day worked before its end", collaborators.Collaborator{Contract: contract(term("B", "2025-01-01", "2026-11-15", "ended")), ContractHistory: []collaborators.ContractTerm{at(long, "2026-12-04")}}, "2026-11-10", "B/active", true},
		{"ended early: the days between its end and the record", collaborators.Collaborator{Contract: contract(term("B", "2025-01-01", "2026-11-15", "ended")), ContractHistory: []collaborators.ContractTerm{at(long, "2026-12-04")}}, "2026-11-20", "", false},
		{"ended early: after the record", collaborators.Collaborator{Contract: contract(term("B", "2025-01-01", "2026-11-15", "ended")), ContractHistory: []collaborators.ContractTerm{at(long, "2026-12-04")}}, "2026-12-20", "", false},
		{"ended early into a closed quarter: its days stay", collaborators.Collaborator{Contract: contract(term("B", "2025-01-01", "2026-09-15", "ended")), ContractHistory: []collaborators.ContractTerm{at(long, "2026-12-04")}}, "2026-09-20", "B/active", true},
		{"ended early into a closed quarter: its own quarter", collaborators.Collaborator{Contract: contract(term("B", "2025-01-01", "2026-09-15", "ended")), ContractHistory: []collaborators.ContractTerm{at(long, "2026-12-04")}}, "2026-10-20", "", false},
		{"a gap between terms", collaborators.Collaborator{Contract: contract(term("A-R1", "2027-03-01", "2028-02-28", "active")), ContractHistory: []collaborators.ContractTerm{at(old, "2026-11-01")}}, "2027-01-10", "", false},
		{"lapsed, then renewed from its end", collaborators.Collaborator{Contract: contract(renewed), ContractHistory: []collaborators.ContractTerm{at(old, "2027-01-10"), at(term("A", "2025-01-01", "2026-12-15", "ended"), "2027-01-12")}}, "2026-12-20", "A-R1/active", true},
	} {
		got, ok := collaborators.InForce(tc.rec.ContractVersions(), tc.day)
		s := ""
		if ok {
			s = got.Number + "/" + got.Status
		}
		if ok != tc.covered || s != tc.want {
			t.Errorf("%s: %q %v, want %q", tc.name, s, ok, tc.want)
		}
	}
}

// TestServiceStart: the earliest start of the terms chaining into the
// current one; a gap breaks the chain.
func TestServiceStart(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		current collaborators.ContractTerm
		history []collaborators.ContractTerm
		want    string
	}{
		{"no history", term("C", "2026-12-16", "2027-12-15", "active"), nil, "2026-12-16"},
		{"renewed twice", term("C", "2026-12-16", "2027-12-15", "active"), []collaborators.ContractTerm{
			term("A", "2023-12-16", "2024-12-15", "active"), term("B", "2024-12-16", "2026-12-15", "active")}, "2023-12-16"},
		{"status change only", term("A", "2025-01-01", "2026-12-31", "suspended"), []collaborators.ContractTerm{
			term("A", "2025-01-01", "2026-12-31", "active")}, "2025-01-01"},
		{"a gap", term("C", "2026-12-16", "2027-12-15", "active"), []collaborators.ContractTerm{
			term("A", "2023-01-01", "2023-12-31", "active"), term("B", "2025-01-01", "2026-12-15", "active")}, "2025-01-01"},
	} {
		c := collaborators.Collaborator{Contract: contract(tc.current), ContractHistory: tc.history}
		if got := collaborators.ServiceStart(c); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

// TestContractNumberKey: numbers differing only in case (Đ/đ too) or in
// spacing share a key; other differences do not.
func TestContractNumberKey(t *testing.T) {
	t.Parallel()
	base := collaborators.ContractNumberKey("HĐ-2026/NT 01")
	for _, same := range []string{"hđ-2026/nt 01", " HĐ-2026/NT 01 ", "HĐ-2026/NT   01", "HĐ-2026/NT\u00a001", "Hđ-2026/nT 01"} {
		if got := collaborators.ContractNumberKey(same); got != base {
			t.Errorf("key of %q = %q, want %q", same, got, base)
		}
	}
	for _, other := range []string{"HD-2026/NT 01", "HĐ-2026/NT01", "HĐ-2026/NT 02"} {
		if collaborators.ContractNumberKey(other) == base {
			t.Errorf("%q shares the key of HĐ-2026/NT 01", other)
		}
	}
}
