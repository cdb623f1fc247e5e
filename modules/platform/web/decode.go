package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// DecodeJSON reads the request body into dst strictly: the body must be
// JSON of at most 1 MiB, a single value, with no unknown fields, no keys that
// start with `$` (Mongo operators) and the right types. Every failure is an
// errs.Invalid naming the field.
func DecodeJSON(c *fiber.Ctx, dst any) error {
	if !isJSON(c.Get(fiber.HeaderContentType)) {
		return &errs.Error{Kind: errs.UnsupportedMedia, Message: "send the body as application/json",
			Fields: []errs.FieldError{{Field: "Content-Type", Message: "must be application/json"}}}
	}
	body := c.Body()
	if len(body) > JSONLimit {
		return errs.E(errs.TooLarge, "the JSON body is larger than 1 MiB")
	}
	return DecodeStrict(body, dst)
}

// isJSON reports whether a Content-Type is application/json, in UTF-8 when
// it names a charset (a prefix match let application/jsonx through).
func isJSON(ct string) bool {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != fiber.MIMEApplicationJSON {
		return false
	}
	cs, named := params["charset"]
	return !named || strings.EqualFold(cs, "utf-8")
}

// DecodeStrict is DecodeJSON's checks on a byte slice.
func DecodeStrict(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errs.Field("body", "a JSON body is required")
	}
	var raw any
	gen := json.NewDecoder(bytes.NewReader(body))
	gen.UseNumber()
	if err := gen.Decode(&raw); err != nil {
		return errs.Field("body", "malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if _, err := gen.Token(); !errors.Is(err, io.EOF) {
		return errs.Field("body", "malformed JSON: more than one value")
	}
	if path, bad := invalidText(body, raw); bad {
		return errs.Field(path, utf8Message)
	}
	if raw == nil {
		return errs.Field("body", "must be a JSON %s, not null", bodyKind(reflect.TypeOf(dst)))
	}
	if path := findInJSON(raw, isOperator, nil); path != "" {
		return errs.Field(path, "keys starting with $ are not accepted")
	}
	if path, dup := duplicateKey(body); dup {
		if path == "" {
			path = "body"
		}
		return errs.Field(path, "appears twice")
	}
	if path, name := strayKey(raw, reflect.TypeOf(dst), ""); path != "" {
		if name == "" {
			return errs.Field(path, "unknown field")
		}
		return errs.Field(path, "unknown field; names are case-sensitive: %q", name)
	}
	if path := badTime(raw, reflect.TypeOf(dst), ""); path != "" {
		return errs.Field(path, "must be an RFC 3339 time with an offset, e.g. 2026-12-07T08:00:00+07:00")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			// encoding/json's error leaves map keys and indexes out of its path.
			if path, want, found := wrongKind(raw, reflect.TypeOf(dst), ""); found {
				if path == "" {
					path = "body"
				}
				return errs.Field(path, "must be %s", describeKind(want))
			}
		}
		return decodeError(err)
	}
	return nil
}

// bodyKind names what a body decoded into a value of t looks like.
func bodyKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return "value"
}

// isOperator reports whether an object key starts with `$`.
func isOperator(k string) bool { return strings.HasPrefix(k, "$") }

// findInJSON returns the path (`a.b[2].c`) of the first object
// key of the decoded JSON value v for which badKey is true, or of the
// first string value for which badString is true (a string at the top is
// "body"); badString nil checks no string values. "" when there is none.
// The path is spelt out only once something is found: building it at
// every level would copy a deeply nested body's path over and over.
func findInJSON(v any, badKey, badString func(string) bool) string {
	var at []step
	if !findIn(v, badKey, badString, &at) {
		return ""
	}
	slices.Reverse(at)
	if p := joinSteps(at); p != "" {
		return p
	}
	return "body"
}

// step is one level of a path into JSON: an object's key or an array's index.
type step struct {
	key   string
	index int
	array bool
}

// joinSteps spells out the path of steps.
func joinSteps(steps []step) string {
	var b strings.Builder
	for _, s := range steps {
		switch {
		case s.array:
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
		case b.Len() > 0:
			b.WriteString("." + s.key)
		default:
			b.WriteString(s.key)
		}
	}
	return b.String()
}

// findIn is findInJSON's search: at receives the steps to what it
// found, innermost first.
func findIn(v any, badKey, badString func(string) bool, at *[]step) bool {
	switch t := v.(type) {
	case string:
		return badString != nil && badString(t)
	case map[string]any:
		for k, x := range t {
			if badKey(k) || findIn(x, badKey, badString, at) {
				*at = append(*at, step{key: k})
				return true
			}
		}
	case []any:
		for i, x := range t {
			if findIn(x, badKey, badString, at) {
				*at = append(*at, step{index: i, array: true})
				return true
			}
		}
	}
	return false
}

// operatorArg returns the first key of query or form arguments that looks
// like a Mongo operator or a nested key (`area_code[$ne]`), or "".
func operatorArg(args *fasthttp.Args) string {
	var bad string
	args.VisitAll(func(k, _ []byte) {
		if bad == "" && strings.ContainsAny(string(k), "$[]") {
			bad = string(k)
		}
	})
	return bad
}

func decodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return errs.Field(field, "must be %s", describeType(typeErr.Type.String()))
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "json: unknown field ") {
		name, _ := strconv.Unquote(strings.TrimPrefix(msg, "json: unknown field "))
		if name == "" {
			return errs.Field("body", "unknown field \"\"")
		}
		return errs.Field(name, "unknown field")
	}
	var fieldErr *errs.Error
	if errors.As(err, &fieldErr) {
		return fieldErr
	}
	return errs.Field("body", "malformed JSON: %s", strings.TrimPrefix(msg, "json: "))
}

func describeType(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"), strings.HasPrefix(goType, "*[]"):
		return "an array"
	case strings.Contains(goType, "map["):
		return "an object"
	case strings.Contains(goType, "string"):
		return "a string"
	case strings.Contains(goType, "int"):
		return "a whole number" // (an amount in đồng, a count)
	case strings.Contains(goType, "float"):
		return "a number"
	case strings.Contains(goType, "bool"):
		return "true or false"
	}
	return fmt.Sprintf("of type %s", goType)
}

// badTime returns the path of the first time field of t whose value in raw
// is not an RFC 3339 time: encoding/json's own error does not name it.
func badTime(raw any, t reflect.Type, path string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	obj, ok := raw.(map[string]any)
	if !ok || t.Kind() != reflect.Struct || t == timeType {
		return ""
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := strings.Split(f.Tag.Get("json"), ",")[0]
		if name == "" {
			name = f.Name
		}
		v, present := obj[name]
		if !present || !f.IsExported() {
			continue
		}
		p := name
		if path != "" {
			p = path + "." + name
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft == timeType {
			if s, isString := v.(string); isString {
				if _, err := time.Parse(time.RFC3339, s); err != nil {
					return p
				}
			} else if v != nil {
				return p
			}
			continue
		}
		if found := badTime(v, ft, p); found != "" {
			return found
		}
	}
	return ""
}
