package app_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/collaborators"
)

// The reports name the district units as /collaborators does, from the
// registry's list: "Thành phố Biên Hòa", not "BH", in the district
// filter (its value stays the code), the tables and the exports' district
// columns.
func TestReportsNameTheDistricts(t *testing.T) {
	t.Parallel()
	s, lead := apptest.StartAs(t, apptest.Leadership)
	var areas struct {
		Items []collaborators.Area `json:"items"`
	}
	s.Do(t, "GET", "/api/v1/areas", lead, nil).JSON(t, &areas)
	names := map[string]string{}
	for _, a := range areas.Items {
		names[a.Code] = a.Name
	}
	if names["BH"] != "Thành phố Biên Hòa" {
		t.Fatalf("the registry's areas: %+v", areas.Items)
	}

	for _, path := range []string{"/reports/competency", "/reports/coverage", "/reports/quarters", "/reports/courses", "/reports/contracts"} {
		r := s.Page(t, path, lead)
		if r.Status != 200 || !strings.Contains(string(r.Body), `<option value="BH">Thành phố Biên Hòa (BH)</option>`) {
			t.Errorf("%s: %d, its district filter does not name BH", path, r.Status)
		}
	}
	if page := string(s.Page(t, "/reports/coverage?area_code=BH", lead).Body); !strings.Contains(page, `<caption id="district-BH"><span>Thành phố Biên Hòa (BH): `) {
		t.Errorf("the coverage page's BH table is not named")
	}
	if page := string(s.Page(t, "/reports/competency?area_code=BH", lead).Body); !strings.Contains(page, `<td>Thành phố Biên Hòa</td>`) ||
		!strings.Contains(page, `<th scope="row">Thành phố Biên Hòa <span class="muted">(BH)</span></th>`) {
		t.Errorf("the competency page does not name BH in its rows and its districts table")
	}

	for _, tc := range []struct {
		path string
		col  int
	}{
		{"/api/v1/reports/competency.csv", 3}, {"/api/v1/reports/competency-totals.csv", 0}, {"/api/v1/reports/coverage.csv", 0},
		{"/api/v1/reports/contracts.csv?days=366", 3}, // (no certificate of the demo ends within 90 days: expiring.csv has no row)
	} {
		r := s.Do(t, "GET", tc.path, lead, nil)
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\xef\xbb\xbf")))).ReadAll()
		if r.Status != 200 || err != nil || len(rows) < 2 || !strings.HasPrefix(rows[0][tc.col], "Đơn vị") {
			t.Errorf("%s: %d %v %q", tc.path, r.Status, err, rows)
			continue
		}
		for _, row := range rows[1:] {
			if _, isCode := names[row[tc.col]]; isCode || !slices.Contains(append(mapValues(names), "Tổng cộng"), row[tc.col]) {
				t.Errorf("%s: district cell %q is not a district's name", tc.path, row[tc.col])
				break
			}
		}
	}
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
