package collaborators

import (
	"testing"

	"github.com/ctvacademy/academy/modules/platform/authz"
	"github.com/ctvacademy/academy/modules/platform/errs"
)

func TestFold(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Nguyễn Văn An":        "nguyen van an",
		"Đặng Thị Hồng Nhung":  "dang thi hong nhung",
		"Huyện Định Quán":      "huyen dinh quan",
		"Thị trấn Long Giao":   "thi tran long giao",
		"ĐỖ THỊ THU TRANG":     "do thi thu trang",
		"already plain ascii.": "already plain ascii.",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFilterMatchesAccentInsensitive(t *testing.T) {
	t.Parallel()
	c := Collaborator{FullName: "Nguyễn Thị Ngọc Ánh", Code: "NT-01", AreaCode: "NT", Role: "ctv", Commune: "Xã Phú Hội", Contract: Contract{Status: "active"}}
	for _, tc := range []struct {
		f    Filter
		want bool
	}{
		{Filter{Query: "nguyen"}, true},
		{Filter{Query: "NGUYEN ANH"}, true},
		{Filter{Query: "ngọc ánh"}, true},
		{Filter{Query: "phu hoi"}, true},
		{Filter{Query: "tran"}, false},
		{Filter{AreaCode: "NT", Role: "ctv"}, true},
		{Filter{AreaCode: "LT"}, false},
		{Filter{Role: "team_leader"}, false},
		{Filter{ContractStatus: "suspended"}, false},
	} {
		if got := tc.f.Matches(c); got != tc.want {
			t.Errorf("%+v.Matches = %v, want %v", tc.f, got, tc.want)
		}
	}
	c.Archived = true
	if (Filter{}).Matches(c) {
		t.Error("archived records must leave default lists")
	}
	if !(Filter{IncludeArchived: true}).Matches(c) {
		t.Error("include_archived must show archived records")
	}
}

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"0912 345 678": "0912345678", "+84912345678": "0912345678", "0912.345.678": "0912345678",
		"912345678": "0912345678", "987 654 332": "0987654332"} { // a number cell of a spreadsheet lost its 0
		if got, ok := NormalizePhone(in); !ok || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v", in, got, ok)
		}
	}
	for _, bad := range []string{"12345", "09123456789", "09123abc78", "", "012345678"} {
		if _, ok := NormalizePhone(bad); ok {
			t.Errorf("NormalizePhone(%q) accepted", bad)
		}
	}
}

func validInput() Input {
	return Input{Code: "NT-09", FullName: "Trần Văn Bình", Email: "binh@example.vn", Phone: "0912345678", Role: "ctv",
		AreaCode: "NT", Commune: "Xã Long Tân", Position: "Công chức Kinh tế",
		Contract: Contract{Number: "99/2026/HĐ", StartsOn: "2026-01-01", EndsOn: "2027-01-01", Status: "active", QuarterlyStipend: 1500000}}
}

func TestValidateNamesEveryBadField(t *testing.T) {
	t.Parallel()
	known := func(a string) bool { return a == "NT" }
	if fe := validInput().Validate(known); len(fe) != 0 {
		t.Fatalf("valid input rejected: %v", fe)
	}
	in := validInput()
	in.Email, in.Phone, in.Role, in.AreaCode = "nope", "123", "boss", "ZZ"
	in.Contract.EndsOn, in.Contract.Status, in.Contract.QuarterlyStipend = "2025-01-01", "maybe", -1
	got := map[string]bool{}
	for _, f := range in.Validate(known) {
		got[f.Field] = true
	}
	for _, want := range []string{"email", "phone", "role", "area_code", "contract.ends_on", "contract.status", "contract.quarterly_stipend"} {
		if !got[want] {
			t.Errorf("no problem reported for %s (got %v)", want, got)
		}
	}
}

func TestApplyGuardsStaffOnlyFields(t *testing.T) {
	t.Parallel()
	known := func(a string) bool { return a == "NT" || a == "LT" }
	in := validInput()
	c := Collaborator{ID: "x", Code: in.Code, FullName: in.FullName, Email: in.Email, Phone: in.Phone, Role: in.Role,
		AreaCode: in.AreaCode, Commune: in.Commune, Position: in.Position, Contract: in.Contract}
	area, phone := "LT", "0987654321"
	if _, _, err := Apply(c, Patch{AreaCode: &area}, false, known); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("area change by a non-manager: err = %v, want Forbidden", err)
	}
	role := authz.RoleTeamLeader
	if _, _, err := Apply(c, Patch{Role: &role}, false, known); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("role change by a non-manager: err = %v, want Forbidden", err)
	}
	name := "=HYPERLINK(\"http://evil.example\")"
	if _, _, err := Apply(c, Patch{FullName: &name, Phone: &phone}, false, known); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("name change by a non-manager: err = %v, want Forbidden", err)
	}
	next, changes, err := Apply(c, Patch{Phone: &phone}, false, known)
	if err != nil || next.Phone != phone || len(changes) != 1 {
		t.Fatalf("phone change: %v %v %v", next.Phone, changes, err)
	}
	next, changes, err = Apply(c, Patch{AreaCode: &area, Role: &role}, true, known)
	if err != nil || next.AreaCode != "LT" || next.Role != role || len(changes) != 2 {
		t.Fatalf("manager change: %+v %v %v", next, changes, err)
	}
	bad := "2020-13-45"
	if _, _, err := Apply(c, Patch{Contract: &ContractPatch{EndsOn: &bad}}, true, known); !errs.Is(err, errs.Invalid) {
		t.Fatalf("bad date: err = %v, want Invalid", err)
	}
}

func TestParseImportReadsTheCenterLayout(t *testing.T) {
	t.Parallel()
	csv := "STT;Mã CTV;Họ và tên;Email;Số điện thoại;Vai trò;Mã đơn vị;Xã/Phường;Chức vụ;Số hợp đồng;Ngày bắt đầu;Ngày kết thúc;Trạng thái HĐ;Thù lao quý\n" +
		"1;nt-09;Trần Văn Bình;binh@example.vn;0912 345 678;Cộng tác viên;NT;Xã Long Tân;Công chức;99/2026;01/01/2026;31/12/2027;Đang hiệu lực;1.500.000\n" +
		"2;NT-10;Lê Thị Hoa;hoa@example.vn;0912345679;Tổ trưởng;NT;Xã Long Tân;Trưởng phòng;100/2026;2026-01-01;2027-12-31;thử thách;2.000.000\n"
	rows, err := ParseImport("ctv.csv", []byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Line != 2 || rows[1].Line != 3 {
		t.Fatalf("rows = %+v", rows)
	}
	a := rows[0].Input
	a.Normalize()
	if a.Code != "NT-09" || a.Role != "ctv" || a.Contract.StartsOn != "2026-01-01" || a.Contract.EndsOn != "2027-12-31" ||
		a.Contract.Status != "active" || a.Contract.QuarterlyStipend != 1500000 || a.Phone != "0912345678" {
		t.Errorf("row 1 read as %+v", a)
	}
	if b := rows[1].Input; b.Role != "team_leader" || b.Contract.Status != "probation" {
		t.Errorf("row 2 read as %+v", b)
	}
	if _, err := ParseImport("x.csv", []byte("Mã CTV,Họ và tên\nA,B\n")); !errs.Is(err, errs.Invalid) {
		t.Errorf("missing columns: err = %v", err)
	}
	if _, err := ParseImport("x.csv", []byte("Mã CTV,Nickname\n")); !errs.Is(err, errs.Invalid) {
		t.Errorf("unknown column: err = %v", err)
	}
}
