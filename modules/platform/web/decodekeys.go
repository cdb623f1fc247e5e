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

// inexactKey returns the path of the first key of raw (in key order at
// each level) that names no field of t exactly, and the name of the field
// it names when case is ignored (`Title` for `title`; "" when none: an
// unknown field). encoding/json matches keys without regard to case, so
// such a key would be taken for the field; the API's names are exact. The
// path is the key's whole path (`contract.numbr`), which encoding/json's
// own unknown-field error leaves out.
func inexactKey(raw any, t reflect.Type, path string) (string, string) {
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
			ft, exact := fields[k]
			if !exact {
				for name := range fields {
					if strings.EqualFold(name, k) {
						return joinPath(path, k), name
					}
				}
				return joinPath(path, k), ""
			}
			if p, name := inexactKey(v, ft, joinPath(path, k)); p != "" {
				return p, name
			}
		}
	case reflect.Slice, reflect.Array:
		arr, ok := raw.([]any)
		if !ok {
			return "", ""
		}
		for i, v := range arr {
			if p, name := inexactKey(v, t.Elem(), path+"["+strconv.Itoa(i)+"]"); p != "" {
				return p, name
			}
		}
	case reflect.Map:
		obj, ok := raw.(map[string]any)
		if !ok {
			return "", ""
		}
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			if p, name := inexactKey(obj[k], t.Elem(), joinPath(path, k)); p != "" {
				return p, name
			}
		}
	}
	return "", ""
}

// jsonFields maps the JSON names of t's fields (as encoding/json sees them,
// embedded structs' fields promoted) to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
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
		out[name] = f.Type
	}
	return out
}
