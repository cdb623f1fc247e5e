package web

import (
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// OpenAPI collects the operations of /api/v1 into an OpenAPI 3 document.
type OpenAPI struct {
	mu  sync.Mutex
	ops map[string]map[string]map[string]any // path → method → operation
}

// NewOpenAPI returns an empty document.
func NewOpenAPI() *OpenAPI { return &OpenAPI{ops: map[string]map[string]map[string]any{}} }

var paramRe = regexp.MustCompile(`:([A-Za-z_][A-Za-z0-9_]*)`)

// OpenAPIPath turns a Fiber route pattern into an OpenAPI path.
func OpenAPIPath(route string) string { return paramRe.ReplaceAllString(route, "{$1}") }

// Add records one operation.
func (o *OpenAPI) Add(method, route string, doc Doc) {
	o.mu.Lock()
	defer o.mu.Unlock()
	path := OpenAPIPath(route)
	if o.ops[path] == nil {
		o.ops[path] = map[string]map[string]any{}
	}
	var params []any
	for _, m := range paramRe.FindAllStringSubmatch(route, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	for _, q := range doc.Query {
		params = append(params, map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "string"}})
	}
	status := doc.Status
	if status == 0 {
		status = 200
	}
	success := map[string]any{"description": "success"}
	if doc.Response != nil {
		success["content"] = map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(doc.Response), 0)}}
	}
	op := map[string]any{
		"summary":     doc.Summary,
		"operationId": strings.ToLower(method) + strings.NewReplacer("/", "_", ":", "", "{", "", "}", "").Replace(route),
		"responses": map[string]any{
			strconv.Itoa(status): success,
			"default": map[string]any{"description": "problem", "content": map[string]any{
				"application/problem+json": map[string]any{"schema": schemaOf(reflect.TypeOf(Problem{}), 0)}}},
		},
	}
	if params != nil {
		op["parameters"] = params
	}
	switch {
	case doc.Upload:
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"multipart/form-data": map[string]any{"schema": map[string]any{"type": "object",
				"properties": map[string]any{"file": map[string]any{"type": "string", "format": "binary"}}}}}}
	case doc.Request != nil:
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(doc.Request), 0)}}}
	}
	o.ops[path][strings.ToLower(method)] = op
}

// Has reports whether the document lists method on a Fiber route pattern.
func (o *OpenAPI) Has(method, route string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, ok := o.ops[OpenAPIPath(route)][strings.ToLower(method)]
	return ok
}

// Document returns the OpenAPI 3 document.
func (o *OpenAPI) Document() map[string]any {
	o.mu.Lock()
	defer o.mu.Unlock()
	paths := map[string]any{}
	keys := make([]string, 0, len(o.ops))
	for k := range o.ops {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		paths[k] = o.ops[k]
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "CTV Academy API", "version": "1"},
		"components": map[string]any{"securitySchemes": map[string]any{
			"bearer": map[string]any{"type": "http", "scheme": "bearer"},
			"cookie": map[string]any{"type": "apiKey", "in": "cookie", "name": SessionCookie},
		}},
		"security": []any{map[string]any{"bearer": []any{}}, map[string]any{"cookie": []any{}}},
		"paths":    paths,
	}
}

var timeType = reflect.TypeOf(time.Time{})

// schemaOf describes a Go type as a JSON schema, following json tags.
func schemaOf(t reflect.Type, depth int) map[string]any {
	if depth > 8 {
		return map[string]any{}
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), depth+1)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), depth+1)}
	case reflect.Struct:
		props := map[string]any{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			if f.Anonymous && f.Tag.Get("json") == "" {
				// An embedded struct's fields are promoted, as encoding/json does.
				if inner, ok := schemaOf(f.Type, depth+1)["properties"].(map[string]any); ok {
					for k, v := range inner {
						props[k] = v
					}
					continue
				}
			}
			name := f.Name
			if tag := f.Tag.Get("json"); tag != "" {
				if tag == "-" {
					continue
				}
				name = strings.Split(tag, ",")[0]
			}
			props[name] = schemaOf(f.Type, depth+1)
		}
		return map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	}
	return map[string]any{}
}
