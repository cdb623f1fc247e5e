package web

import (
	"bytes"
	"encoding"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// duplicateKey finds the path of the first object key that appears twice
// in one object of body, which must be well-formed JSON. encoding/json keeps
// the last of two equal keys silently, and another reader of the same bytes
// may keep the first: a strict decoder refuses the ambiguity.
func duplicateKey(body []byte) (string, bool) {
	type frame struct {
		object    bool
		keys      map[string]bool
		expectKey bool
		key       string // the key whose value is being read
		index     int
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var stack []*frame
	// consumed marks the top frame's current value as read.
	consumed := func() {
		if len(stack) == 0 {
			return
		}
		top := stack[len(stack)-1]
		if top.object {
			top.expectKey = true
		} else {
			top.index++
		}
	}
	// pathTo spells out the path to key k of the top frame only when a
	// duplicate is found (a path kept per frame would copy a deeply
	// nested body's path at every level).
	pathTo := func(k string) string {
		steps := make([]step, 0, len(stack))
		for _, f := range stack[:len(stack)-1] {
			steps = append(steps, step{key: f.key, index: f.index, array: !f.object})
		}
		return joinSteps(append(steps, step{key: k}))
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		if len(stack) > 0 {
			top := stack[len(stack)-1]
			if top.object && top.expectKey {
				if d, isDelim := tok.(json.Delim); isDelim && d == '}' {
					stack = stack[:len(stack)-1]
					consumed()
					continue
				}
				k, _ := tok.(string)
				if top.keys[k] {
					return pathTo(k), true
				}
				top.keys[k] = true
				top.key, top.expectKey = k, false
				continue
			}
		}
		switch d, _ := tok.(json.Delim); d {
		case '{':
			stack = append(stack, &frame{object: true, keys: map[string]bool{}, expectKey: true})
		case '[':
			stack = append(stack, &frame{})
		case ']':
			stack = stack[:len(stack)-1]
			consumed()
		default:
			consumed()
		}
	}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

var (
	jsonUnmarshalerType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()
	textUnmarshalerType = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()
)

// strayKey returns the path of the first key of raw (in key order at
// each level) that names no field of t exactly, and the name of the field
// it names when case is ignored (`Title` for `title`; "" when none: an
// unknown field). encoding/json matches keys without regard to case, so
// such a key would be taken for the field; the API's names are exact. The
// path is the key's whole path (`contract.numbr`), which encoding/json's
// own unknown-field error leaves out.
func strayKey(raw any, t reflect.Type, path string) (string, string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(jsonUnmarshalerType) || reflect.PointerTo(t).Implements(jsonUnmarshalerType) ||
		t.Implements(textUnmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return "", ""
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := raw.(map[string]any)
		if !ok {
			return "", ""
		}
		fields := jsonFields(t)
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			v := obj[k]
			f, exact := fields[k]
			if !exact {
				for name := range fields {
					if strings.EqualFold(name, k) {
						return joinPath(path, k), name
					}
				}
				return joinPath(path, k), ""
			}
			if p, name := strayKey(v, f.t, joinPath(path, k)); p != "" {
				return p, name
			}
		}
	case reflect.Slice, reflect.Array:
		arr, ok := raw.([]any)
		if !ok {
			return "", ""
		}
		for i, v := range arr {
			if p, name := strayKey(v, t.Elem(), path+"["+strconv.Itoa(i)+"]"); p != "" {
				return p, name
			}
		}
	case reflect.Map:
		obj, ok := raw.(map[string]any)
		if !ok {
			return "", ""
		}
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			if p, name := strayKey(obj[k], t.Elem(), joinPath(path, k)); p != "" {
				return p, name
			}
		}
	}
	return "", ""
}

// jsonField is a field of a struct as encoding/json sees it: its type and
// whether it carries the `,string` option (its number or bool is written
// as a string).
type jsonField struct {
	t        reflect.Type
	asString bool
}

// jsonFields maps the JSON names of t's fields (as encoding/json sees them,
// embedded structs' fields promoted) to their types and options.
func jsonFields(t reflect.Type) map[string]jsonField {
	out := map[string]jsonField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range jsonFields(ft) {
					if _, shadowed := out[k]; !shadowed {
						out[k] = v
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = jsonField{t: f.Type, asString: slices.Contains(strings.Split(opts, ","), "string")}
	}
	return out
}

// wrongKind returns the path of the first value of raw (in key order at
// each level) whose JSON kind does not fit its destination in t (a string
// for an array, an array for a string, a fraction or an out-of-range
// number for a whole number), and that destination's type; found is false
// when every value fits as far as it can tell. encoding/json's own type
// error names the struct fields on the way but leaves out map keys and
// array indexes (`answers` for `answers.q01`); this names the whole path
// (`answers.q01`, `answers.q01[0]`, `marks[1].status`). A value of a type
// that decodes itself (json.Unmarshaler, encoding.TextUnmarshaler) or a
// field with the `,string` option is left to encoding/json. A top-level
// value that does not fit is at path "".
func wrongKind(raw any, t reflect.Type, path string) (at string, want reflect.Type, found bool) {
	if raw == nil {
		return "", nil, false // null fits anything: encoding/json leaves the value
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(jsonUnmarshalerType) || reflect.PointerTo(t).Implements(jsonUnmarshalerType) ||
		t.Implements(textUnmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return "", nil, false
	}
	fits := true
	switch v := raw.(type) {
	case string:
		fits = t.Kind() == reflect.String || t.Kind() == reflect.Interface ||
			(t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8) // base64 bytes
	case bool:
		fits = t.Kind() == reflect.Bool || t.Kind() == reflect.Interface
	case json.Number:
		fits = numberFits(v, t)
	case []any:
		switch t.Kind() {
		case reflect.Slice, reflect.Array:
			for i, x := range v {
				if p, w, ok := wrongKind(x, t.Elem(), path+"["+strconv.Itoa(i)+"]"); ok {
					return p, w, true
				}
			}
		case reflect.Interface:
		default:
			fits = false
		}
	case map[string]any:
		switch t.Kind() {
		case reflect.Struct:
			fields := jsonFields(t)
			for _, k := range slices.Sorted(maps.Keys(v)) {
				f, known := fields[k]
				if !known || f.asString {
					continue // an unknown key is strayKey's to name
				}
				if p, w, ok := wrongKind(v[k], f.t, joinPath(path, k)); ok {
					return p, w, true
				}
			}
		case reflect.Map:
			for _, k := range slices.Sorted(maps.Keys(v)) {
				if p, w, ok := wrongKind(v[k], t.Elem(), joinPath(path, k)); ok {
					return p, w, true
				}
			}
		case reflect.Interface:
		default:
			fits = false
		}
	}
	if !fits {
		return path, t, true
	}
	return "", nil, false
}

// numberFits reports whether the JSON number n decodes into a value of t:
// a whole number in range for an integer, a number in range for a float.
func numberFits(n json.Number, t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		_, err := strconv.ParseInt(string(n), 10, t.Bits())
		return err == nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		_, err := strconv.ParseUint(string(n), 10, t.Bits())
		return err == nil
	case reflect.Float32, reflect.Float64:
		_, err := strconv.ParseFloat(string(n), t.Bits())
		return err == nil
	}
	return false
}

// describeKind says what a value of t looks like in JSON, for a message
// ("must be an array").
func describeKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "a string"
		}
		return "an array"
	case reflect.Array:
		return "an array"
	}
	return describeType(t.Kind().String())
}
