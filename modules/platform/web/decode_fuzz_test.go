package web_test

import (
	"errors"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/ctvacademy/academy/modules/platform/web"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// sample has every shape the API's request types use: strings, numbers,
// pointers, times, nested structs, slices of structs, maps of slices and an
// embedded struct.
type sample struct {
	sampleBase
	Title    string              `json:"title"`
	Capacity int                 `json:"capacity"`
	Stipend  *int64              `json:"stipend"`
	StartsAt time.Time           `json:"starts_at"`
	EndsAt   *time.Time          `json:"ends_at"`
	Archived *bool               `json:"archived"`
	Contract *sampleContract     `json:"contract"`
	Marks    []sampleMark        `json:"marks"`
	Answers  map[string][]string `json:"answers"`
	Hidden   string              `json:"-"`
}

type sampleBase struct {
	Code string `json:"code"`
}

type sampleContract struct {
	Number string `json:"number"`
	EndsOn string `json:"ends_on"`
}

type sampleMark struct {
	CollaboratorID string `json:"collaborator_id"`
	Status         string `json:"status"`
}

const validSample = `{"code":"KC-1","title":"Lớp tập huấn","capacity":30,"stipend":1500000,"starts_at":"2026-12-07T08:00:00+07:00",` +
	`"ends_at":"2026-12-07T11:00:00+07:00","archived":false,"contract":{"number":"HD-1","ends_on":"2027-12-31"},` +
	`"marks":[{"collaborator_id":"c1","status":"present"}],"answers":{"q1":["a","b"]}}`

// TestDecodeStrictRefuses lists bodies the strict decoder must refuse,
// each with the field the problem names.
func TestDecodeStrictRefuses(t *testing.T) {
	var ok sample
	if err := web.DecodeStrict([]byte(validSample), &ok); err != nil {
		t.Fatalf("the valid sample is refused: %v", err)
	}
	if ok.Contract == nil || ok.Contract.EndsOn != "2027-12-31" || ok.Code != "KC-1" || len(ok.Answers["q1"]) != 2 {
		t.Fatalf("the valid sample decoded as %+v", ok)
	}
	for _, tc := range []struct{ name, body, field string }{
		{"empty", ``, "body"},
		{"null", `null`, "body"},
		{"truncated", validSample[:len(validSample)/2], "body"},
		{"two values", validSample + validSample, "body"},
		{"trailing garbage", `{"title":"x"} x`, "body"},
		{"array for object", `[` + validSample + `]`, "body"},
		{"unknown field", `{"titel":"x"}`, "titel"},
		{"case variant", `{"Title":"x"}`, "Title"},
		{"nested unknown field", `{"contract":{"numbr":"x"}}`, "contract.numbr"},
		{"unknown field in an array", `{"marks":[{"collaborator_id":"c"},{"state":"present"}]}`, "marks[1].state"},
		{"unknown fields: the first in key order, every time", `{"zeta":1,"alpha":2}`, "alpha"},
		{"case variant of a promoted field", `{"CODE":"x"}`, "CODE"},
		{"nested case variant", `{"contract":{"Number":"x"}}`, "contract.Number"},
		{"case variant in an array", `{"marks":[{"collaborator_id":"c","Status":"present"}]}`, "marks[0].Status"},
		{"duplicate key", `{"title":"a","title":"b"}`, "title"},
		{"nested duplicate key", `{"contract":{"number":"a","number":"b"}}`, "contract.number"},
		{"duplicate key in an array", `{"marks":[{"status":"a"},{"status":"a","status":"b"}]}`, "marks[1].status"},
		{"duplicate map key", `{"answers":{"q1":["a"],"q1":["b"]}}`, "answers.q1"},
		{"operator value", `{"title":{"$gt":""}}`, "title.$gt"},
		{"operator key", `{"$set":{"title":"x"}}`, "$set"},
		{"operator in a map", `{"answers":{"$where":["1"]}}`, "answers.$where"},
		{"operator in nested arrays", `{"marks":[{},[{"status":"a"},{"$gt":1}]]}`, "marks[1][1].$gt"},
		{"duplicate key in nested arrays", `{"marks":[{},[{"status":"a"},{"b":1,"c":{"d":2,"d":3}}]]}`, "marks[1][1].c.d"},
		{"string for number", `{"capacity":"30"}`, "capacity"},
		{"huge number", `{"capacity":1e400}`, "capacity"},
		{"2^63", `{"stipend":9223372036854775808}`, "stipend"},
		{"fraction", `{"capacity":1.5}`, "capacity"},
		{"number for string", `{"title":12}`, "title"},
		{"object for string", `{"title":{}}`, "title"},
		{"string for bool", `{"archived":"true"}`, "archived"},
		{"object for array", `{"marks":{}}`, "marks"},
		{"impossible date", `{"starts_at":"2026-02-30T08:00:00+07:00"}`, "starts_at"},
		{"no offset", `{"starts_at":"2026-12-07T08:00:00"}`, "starts_at"},
		{"date only", `{"ends_at":"2026-12-07"}`, "ends_at"},
		{"number for time", `{"starts_at":0}`, "starts_at"},
		{"hidden field", `{"Hidden":"x"}`, "Hidden"},
		{"string for a map's array", `{"answers":{"q1":"a"}}`, "answers.q1"},
		{"number in a map's array", `{"answers":{"q1":[1]}}`, "answers.q1[0]"},
		{"the first wrong value in key order", `{"answers":{"q2":"b","q1":["a",{}]}}`, "answers.q1[1]"},
		{"number for string in an array", `{"marks":[{"status":"a"},{"status":1}]}`, "marks[1].status"},
		{"array for object in an array", `{"marks":[{},[]]}`, "marks[1]"},
		{"fraction in a nested pointer", `{"contract":{"number":"x"},"stipend":0.5}`, "stipend"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var dst sample
			err := web.DecodeStrict([]byte(tc.body), &dst)
			var e *errs.Error
			if !errors.As(err, &e) || e.Kind != errs.Invalid {
				t.Fatalf("DecodeStrict(%s) = %v, want an errs.Invalid", tc.body, err)
			}
			if len(e.Fields) == 0 || e.Fields[0].Field != tc.field {
				t.Errorf("DecodeStrict(%s) names %+v, want field %q", tc.body, e.Fields, tc.field)
			}
		})
	}
	// A value of the wrong kind under a map key is told what it must be,
	// at its whole path (helper: `answers: must be an array` for a string).
	for body, want := range map[string]errs.FieldError{
		`{"answers":{"q01":"a"}}`:   {Field: "answers.q01", Message: "must be an array"},
		`{"answers":{"q01":[1]}}`:   {Field: "answers.q01[0]", Message: "must be a string"},
		`{"marks":[{"status":[]}]}`: {Field: "marks[0].status", Message: "must be a string"},
		`{"contract":"HD-1"}`:       {Field: "contract", Message: "must be an object"},
	} {
		var dst sample
		err := web.DecodeStrict([]byte(body), &dst)
		var e *errs.Error
		if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0] != want {
			t.Errorf("DecodeStrict(%s) = %v, want %s: %s", body, err, want.Field, want.Message)
		}
	}
	// An amount with a fraction is told it must be whole (helper-66 read
	// "must be a number" for a stipend of 1500000.5).
	var dst sample
	err := web.DecodeStrict([]byte(`{"stipend":1500000.5}`), &dst)
	var e *errs.Error
	if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Message != "must be a whole number" {
		t.Errorf("a fraction for a whole number: %v", err)
	}
}

// FuzzDecodeStrict: whatever the body, DecodeStrict never panics and
// either decodes or answers an errs.Invalid naming a field.
func FuzzDecodeStrict(f *testing.F) {
	for _, s := range []string{
		validSample, ``, `{`, `null`, `[]`, `{}`, `"x"`, `1e400`, `{"title":"a","title":"b"}`, `{"Title":"x"}`,
		`{"contract":{"Number":"x","number":"y"}}`, `{"marks":[{"status":"a"},{"status":"b","status":"c"}]}`,
		`{"title":{"$gt":""}}`, `{"answers":{"q":[1]}}`, `{"starts_at":"0001-01-01T00:00:00Z"}`,
		`{"starts_at":"9999-12-31T23:59:59+07:00"}`, `{"title":"\u0000\r\n"}`, "{\"title\":\"\xff\xfe\"}",
		`{"stipend":-1}`, `{"capacity":9223372036854775807}`, `[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]`,
		`{"marks":[null,{"status":null}],"contract":null}`, "\xef\xbb\xbf{}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var dst sample
		err := web.DecodeStrict(body, &dst)
		if err == nil {
			return
		}
		var e *errs.Error
		if !errors.As(err, &e) {
			t.Fatalf("DecodeStrict(%q) = %T %v, want an *errs.Error", body, err, err)
		}
		if e.Kind != errs.Invalid || len(e.Fields) == 0 || e.Fields[0].Field == "" {
			t.Fatalf("DecodeStrict(%q) = %+v, want errs.Invalid naming a field", body, e)
		}
	})
}

// pageOf runs web.Page on a request with the raw query string q.
func pageOf(q string) (int, int, error) {
	app := fiber.New()
	rc := &fasthttp.RequestCtx{}
	rc.Request.SetRequestURI("/api/v1/things?" + q)
	c := app.AcquireCtx(rc)
	defer app.ReleaseCtx(c)
	return web.Page(c)
}

// FuzzPage: limit and offset are either in range or refused as a field.
func FuzzPage(f *testing.F) {
	for _, s := range []string{
		"", "limit=10&offset=20", "limit=0", "limit=1001", "limit=-1", "offset=-1", "limit=1e400",
		"limit=9223372036854775808", "offset=9223372036854775807", "limit=%FF", "limit=1%00", "limit=+5",
		"limit= 5", "limit[$gt]=0", "limit=10&limit=20", "offset=0x10", "limit=٣",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		limit, offset, err := pageOf(q)
		if err == nil {
			if limit < 1 || limit > 1000 || offset < 0 {
				t.Fatalf("Page(%q) = %d, %d: out of range", q, limit, offset)
			}
			return
		}
		var e *errs.Error
		if !errors.As(err, &e) || e.Kind != errs.Invalid || len(e.Fields) != 1 ||
			(e.Fields[0].Field != "limit" && e.Fields[0].Field != "offset") {
			t.Fatalf("Page(%q) = %v, want errs.Invalid naming limit or offset", q, err)
		}
		if !utf8.ValidString(e.Message) {
			t.Fatalf("Page(%q): message %q is not UTF-8", q, e.Message)
		}
	})
}

// TestPageBounds pins the documented defaults and bounds.
func TestPageBounds(t *testing.T) {
	for q, want := range map[string][2]int{"": {100, 0}, "limit=1&offset=0": {1, 0}, "limit=1000&offset=5": {1000, 5}} {
		l, o, err := pageOf(q)
		if err != nil || l != want[0] || o != want[1] {
			t.Errorf("Page(%q) = %d, %d, %v; want %v", q, l, o, err, want)
		}
	}
	for _, q := range []string{"limit=0", "limit=1001", "limit=-1", "offset=-1", "limit=1e400", "limit=9223372036854775808", "limit=abc"} {
		if _, _, err := pageOf(q); !errs.Is(err, errs.Invalid) {
			t.Errorf("Page(%q) = %v, want errs.Invalid", q, err)
		}
	}
}

// TestDecodeJSONContentType: only application/json (in UTF-8, when a
// charset is named) is read as JSON.
func TestDecodeJSONContentType(t *testing.T) {
	app := fiber.New()
	for ct, ok := range map[string]bool{
		"application/json": true, "application/json; charset=utf-8": true, "Application/JSON; charset=UTF-8": true,
		"application/jsonx": false, "application/json-patch+json": false, "text/json": false, "": false,
		"application/json; charset=latin1": false, "text/plain": false, "application/json;;": false,
	} {
		rc := &fasthttp.RequestCtx{}
		rc.Request.Header.SetMethod("POST")
		rc.Request.Header.SetContentType(ct)
		rc.Request.SetBodyString(`{"title":"x"}`)
		c := app.AcquireCtx(rc)
		var dst sample
		err := web.DecodeJSON(c, &dst)
		app.ReleaseCtx(c)
		if ok && err != nil {
			t.Errorf("Content-Type %q: %v", ct, err)
		}
		if !ok && !errs.Is(err, errs.UnsupportedMedia) {
			t.Errorf("Content-Type %q: %v, want errs.UnsupportedMedia", ct, err)
		}
	}
}
