package web

import (
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
	"github.com/ctvacademy/academy/modules/platform/errs"
)

// The OpenAPI document is built from what the routes are made of, so that
// it says what the service enforces and nothing is written twice:
//
//   - request and response schemas from the Go types of Doc.Request and
//     Doc.Response (json tags), with the `api` struct tag: `api:"required"`
//     on a request field the service refuses to go without, and
//     `api:"enum=<name>"` on a field whose values are a list registered
//     with Router.Enum (or OpenAPI.Enum) from the constants its validation
//     checks against; `api:"format=date"` names a string format;
//   - the error answers of each route from its guard (401 when the policy
//     lets nobody in unsigned, 403 when some signed-in role is refused),
//     its body (400, 413, 415 when it decodes JSON or a file), its path
//     parameters (404), the checks every request passes (400 for a query
//     operator, an unknown or repeated query parameter or invalid UTF-8,
//     415 for a cookie-signed call that is not JSON, 500) and the kinds
//     its Doc declares (Doc.Errors);
//   - limit and offset from Page's bounds; lang (which the platform reads
//     on every request) on every operation; a "name[]" query parameter
//     as an array (form, exploded);
//   - the server from the base URL (Options.BaseURL).
//
// Request schemas refuse unknown fields (additionalProperties: false), as
// DecodeJSON does; response schemas do not, so that a client generated from
// the document keeps working when a field is added.

// OpenAPI collects the operations of /api/v1 into an OpenAPI 3 document.
type OpenAPI struct {
	mu      sync.Mutex
	servers []string
	enums   map[string][]string
	ops     map[string]map[string]operation // path → method → operation
	built   map[string]any                  // the document, until something is added
}

// operation is one route as registered.
type operation struct {
	route, method string
	doc           Doc
	kinds         []errs.Kind // every error kind the route can answer
	public        bool        // the policy lets anyone call it unsigned
}

// NewOpenAPI returns an empty document.
func NewOpenAPI() *OpenAPI {
	return &OpenAPI{ops: map[string]map[string]operation{}, enums: map[string][]string{}}
}

var paramRe = regexp.MustCompile(`:([A-Za-z_][A-Za-z0-9_]*)`)

// OpenAPIPath turns a Fiber route pattern into an OpenAPI path.
func OpenAPIPath(route string) string { return paramRe.ReplaceAllString(route, "{$1}") }

// Server sets the URL the document names as its server (the base URL).
func (o *OpenAPI) Server(url string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.servers = []string{strings.TrimRight(url, "/")}
	o.built = nil
}

// Enum registers the values of an enumeration that `api:"enum=<name>"`
// tags and `name=<enum>` query parameters refer to. Register the list the
// validation checks against, so that the document cannot say otherwise.
func (o *OpenAPI) Enum(name string, values ...string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.enums[name] = slices.Clone(values)
	o.built = nil
}

// Add records one operation; kinds are the error kinds the route's guard,
// body and parameters can answer, beside the ones doc declares.
func (o *OpenAPI) Add(method, route string, doc Doc, public bool, kinds ...errs.Kind) {
	o.mu.Lock()
	defer o.mu.Unlock()
	path := OpenAPIPath(route)
	if o.ops[path] == nil {
		o.ops[path] = map[string]operation{}
	}
	all := append(slices.Clone(kinds), doc.Errors...)
	all = append(all, errs.Invalid, errs.Internal)
	slices.Sort(all)
	o.ops[path][strings.ToLower(method)] = operation{route: route, method: method, doc: doc, kinds: slices.Compact(all), public: public}
	o.built = nil
}

// Has reports whether the document lists method on a Fiber route pattern.
func (o *OpenAPI) Has(method, route string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, ok := o.ops[OpenAPIPath(route)][strings.ToLower(method)]
	return ok
}

// Document returns the OpenAPI 3 document. It panics on a tag or query
// parameter naming an enumeration nobody registered: a programming error
// that the first test reading the document finds.
func (o *OpenAPI) Document() map[string]any {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.built == nil {
		o.built = o.build()
	}
	return o.built
}

func (o *OpenAPI) build() map[string]any {
	paths := map[string]any{}
	for path, methods := range o.ops {
		item := map[string]any{}
		for m, op := range methods {
			item[m] = o.operation(op)
		}
		paths[path] = item
	}
	responses := map[string]any{}
	for _, k := range problemKinds {
		responses[responseName(k)] = map[string]any{
			"description": problemText[k],
			"content": map[string]any{"application/problem+json": map[string]any{
				"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}},
		}
	}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "CTV Academy API", "version": "1",
			"description": "Errors are application/problem+json (RFC 9457); errors[] names each field at fault."},
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer"},
				"cookie": map[string]any{"type": "apiKey", "in": "cookie", "name": SessionCookie},
			},
			"schemas":   map[string]any{"Problem": o.schemaOf(reflect.TypeOf(Problem{}), false, 0)},
			"responses": responses,
		},
		"security": []any{map[string]any{"bearer": []any{}}, map[string]any{"cookie": []any{}}},
		"paths":    paths,
	}
	if len(o.servers) > 0 {
		var servers []any
		for _, s := range o.servers {
			servers = append(servers, map[string]any{"url": s})
		}
		doc["servers"] = servers
	}
	return doc
}

// problemKinds are the error kinds in the order of their statuses.
var problemKinds = []errs.Kind{errs.Invalid, errs.Unauthorized, errs.Forbidden, errs.NotFound, errs.Conflict, errs.Gone,
	errs.TooLarge, errs.UnsupportedMedia, errs.Unprocessable, errs.TooManyRequests, errs.Internal}

// problemText describes what each error answer means to a client.
var problemText = map[errs.Kind]string{
	errs.Invalid:          "The request is malformed or a field is invalid; errors[] names each field.",
	errs.Unauthorized:     "Sign in first (or the credentials are wrong).",
	errs.Forbidden:        "The caller's role may not do this.",
	errs.NotFound:         "No such record in the caller's scope.",
	errs.Conflict:         "The record is not in a state that allows this, or it exists already.",
	errs.Gone:             "The record is no longer available.",
	errs.TooLarge:         "The request body is too large.",
	errs.UnsupportedMedia: "The body must be sent as the declared media type (application/json).",
	errs.Unprocessable:    "The request is well formed but breaks a rule; errors[] names the fields when it can.",
	errs.TooManyRequests:  "Too many attempts; wait for Retry-After seconds.",
	errs.Internal:         "Internal error (logged with the request id).",
}

// responseName names the shared response of an error kind.
func responseName(k errs.Kind) string {
	return strings.ReplaceAll(http.StatusText(errs.Status(k)), " ", "")
}

// XLSX is the media type of a spreadsheet (an export).
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// DefaultLimit and MaxLimit bound the limit query parameter of a list
// (Page); offset is at least 0.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// queryParams are the schemas of the query parameters every list shares.
var queryParams = map[string]map[string]any{
	"limit":  {"type": "integer", "minimum": 1, "maximum": MaxLimit, "default": DefaultLimit},
	"offset": {"type": "integer", "minimum": 0, "default": 0},
}

func (o *OpenAPI) operation(op operation) map[string]any {
	doc := op.doc
	var params []any
	for _, m := range paramRe.FindAllStringSubmatch(op.route, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	for _, q := range doc.Query {
		name, kind, required, repeatable := queryParam(q)
		schema := map[string]any{"type": "string"}
		switch {
		case queryParams[name] != nil:
			schema = queryParams[name]
		case kind == "boolean":
			schema = map[string]any{"type": "boolean"}
		case kind != "":
			schema = map[string]any{"type": "string", "enum": o.enum(kind)}
		}
		// An empty value is a parameter not given (c.Query reads "" for both).
		param := map[string]any{"name": name, "in": "query", "schema": schema, "allowEmptyValue": true}
		if required {
			param["required"] = true
		}
		if repeatable {
			param["schema"] = map[string]any{"type": "array", "items": schema}
			param["style"], param["explode"] = "form", true
		}
		params = append(params, param)
	}
	if o.enums["language"] != nil {
		// The platform reads lang on every request (checkQuery accepts it).
		params = append(params, map[string]any{"name": LangParam, "in": "query", "allowEmptyValue": true,
			"description": "The language of the answer's words (problem details); remembered in a cookie.",
			"schema":      map[string]any{"type": "string", "enum": o.enum("language")}})
	}
	status := doc.Status
	if status == 0 {
		status = http.StatusOK
	}
	success := map[string]any{"description": http.StatusText(status)}
	switch {
	case doc.Content != "":
		success["content"] = map[string]any{doc.Content: map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}
	case doc.Response != nil:
		success["content"] = map[string]any{"application/json": map[string]any{"schema": o.schemaOf(reflect.TypeOf(doc.Response), false, 0)}}
	}
	responses := map[string]any{strconv.Itoa(status): success}
	if doc.AlsoStatus != 0 {
		responses[strconv.Itoa(doc.AlsoStatus)] = success
	}
	for _, k := range op.kinds {
		responses[strconv.Itoa(errs.Status(k))] = map[string]any{"$ref": "#/components/responses/" + responseName(k)}
	}
	out := map[string]any{
		"summary":     doc.Summary,
		"operationId": strings.ToLower(op.method) + strings.NewReplacer("/", "_", ":", "", "{", "", "}", "", ".", "_").Replace(op.route),
		"responses":   responses,
	}
	if op.public {
		out["security"] = []any{} // no sign-in needed
	}
	if params != nil {
		out["parameters"] = params
	}
	switch {
	case doc.Upload:
		out["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"multipart/form-data": map[string]any{"schema": map[string]any{"type": "object", "required": []any{"file"},
				"properties": map[string]any{"file": map[string]any{"type": "string", "format": "binary"}}}}}}
	case doc.Request != nil:
		out["requestBody"] = map[string]any{"required": !doc.BodyOptional, "content": map[string]any{
			"application/json": map[string]any{"schema": o.schemaOf(reflect.TypeOf(doc.Request), true, 0)}}}
	}
	return out
}

// enum returns the values registered under name.
func (o *OpenAPI) enum(name string) []any {
	vs, ok := o.enums[name]
	if !ok {
		panic(fmt.Sprintf("openapi: enumeration %q is not registered (Router.Enum)", name))
	}
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// fieldTag is what a struct field's json and api tags say.
type fieldTag struct {
	name     string
	omit     bool // omitempty or omitzero: absent rather than empty
	required bool
	enum     string
	format   string
}

func parseTag(f reflect.StructField) (fieldTag, bool) {
	t := fieldTag{name: f.Name}
	if tag := f.Tag.Get("json"); tag != "" {
		if tag == "-" {
			return t, false
		}
		parts := strings.Split(tag, ",")
		if parts[0] != "" {
			t.name = parts[0]
		}
		t.omit = slices.Contains(parts[1:], "omitempty") || slices.Contains(parts[1:], "omitzero")
	}
	for _, p := range strings.Split(f.Tag.Get("api"), ",") {
		switch k, v, _ := strings.Cut(strings.TrimSpace(p), "="); k {
		case "required":
			t.required = true
		case "enum":
			t.enum = v
		case "format":
			t.format = v
		case "":
		default:
			panic(fmt.Sprintf("openapi: field %s: unknown api tag %q", f.Name, p))
		}
	}
	return t, true
}

var timeType, dayType = reflect.TypeOf(time.Time{}), reflect.TypeOf(clock.Day{})

// schemaOf describes a Go type as a JSON schema, following json and api
// tags. A request schema refuses unknown fields and lists the fields
// tagged required; a response schema accepts more fields than it lists and
// requires every field encoding/json always writes.
func (o *OpenAPI) schemaOf(t reflect.Type, request bool, depth int) map[string]any {
	if depth > 8 {
		return map[string]any{}
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case dayType:
		return map[string]any{"type": "string", "format": "date"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return map[string]any{"type": "integer", "format": intFormat(t)}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer", "format": intFormat(t), "minimum": 0}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": o.schemaOf(t.Elem(), request, depth+1)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": o.schemaOf(t.Elem(), request, depth+1)}
	case reflect.Struct:
		props := map[string]any{}
		var required []any
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			if f.Anonymous && f.Tag.Get("json") == "" {
				// An embedded struct's fields are promoted, as encoding/json does.
				inner := o.schemaOf(f.Type, request, depth+1)
				if ps, ok := inner["properties"].(map[string]any); ok {
					for k, v := range ps {
						props[k] = v
					}
					if rs, ok := inner["required"].([]any); ok {
						required = append(required, rs...)
					}
					continue
				}
			}
			tag, ok := parseTag(f)
			if !ok {
				continue
			}
			s := o.schemaOf(f.Type, request, depth+1)
			if tag.enum != "" {
				values := o.enum(tag.enum)
				if request && !tag.required && f.Type.Kind() == reflect.String {
					// An optional field left empty is a field not given.
					values = append(values, "")
				}
				if s["type"] == "array" {
					s["items"].(map[string]any)["enum"] = values
				} else {
					s["enum"] = values
				}
			}
			if tag.format != "" {
				s["format"] = tag.format
			}
			if nullable(f.Type, request, tag.omit) {
				s["nullable"] = true
			}
			props[tag.name] = s
			if tag.required || (!request && !tag.omit) {
				required = append(required, tag.name)
			}
		}
		s := map[string]any{"type": "object", "properties": props}
		if len(required) > 0 {
			sort.Slice(required, func(i, j int) bool { return required[i].(string) < required[j].(string) })
			s["required"] = required
		}
		if request {
			s["additionalProperties"] = false
		}
		return s
	}
	return map[string]any{}
}

// nullable reports whether a field may be null: a pointer, slice or map
// decodes from null, and encoding/json writes a nil one as null unless it
// is omitted when empty.
func nullable(t reflect.Type, request, omit bool) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map:
		return request || !omit
	}
	return false
}

func intFormat(t reflect.Type) string {
	if t.Bits() <= 32 {
		return "int32"
	}
	return "int64"
}
