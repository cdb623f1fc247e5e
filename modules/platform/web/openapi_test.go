package web

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/getkin/kin-openapi/openapi3"
)

type docItem struct {
	Name   string   `json:"name" api:"required"`
	Color  string   `json:"color" api:"enum=color"`
	Tags   []string `json:"tags,omitempty"`
	Hidden string   `json:"-"`
}

type docPatch struct {
	Color *string `json:"color" api:"enum=color"`
}

// TestOpenAPIFromTagsAndRoutes builds a document from Go types and tags
// and reads it back with kin-openapi's validator.
func TestOpenAPIFromTagsAndRoutes(t *testing.T) {
	o := NewOpenAPI()
	o.Server("https://academy.example.vn/")
	o.Enum("color", "red", "green")
	o.Add("POST", "/api/v1/items", Doc{Request: docItem{}, Response: docItem{}, Status: 201, Errors: []errs.Kind{errs.Conflict}}, false, errs.Unauthorized)
	o.Add("PATCH", "/api/v1/items/:id", Doc{Request: docPatch{}, Response: docItem{}, Query: []string{"color=color", "limit", "offset"}}, true, errs.NotFound)
	o.Add("GET", "/api/v1/items.csv", Doc{Content: "text/csv", Query: []string{"quarter!", "color=color"}}, false)
	b, err := json.Marshal(o.Document())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("invalid document: %v\n%s", err, b)
	}
	if doc.Servers[0].URL != "https://academy.example.vn" {
		t.Errorf("server %q", doc.Servers[0].URL)
	}
	post := doc.Paths.Value("/api/v1/items").Post
	req := post.RequestBody.Value.Content.Get("application/json").Schema.Value
	if !slices.Equal(req.Required, []string{"name"}) || *req.AdditionalProperties.Has {
		t.Errorf("request schema: required %v, additionalProperties %v", req.Required, *req.AdditionalProperties.Has)
	}
	if _, ok := req.Properties["Hidden"]; ok {
		t.Error(`a json:"-" field is listed`)
	}
	// An optional enum field left empty is a field not given.
	if got := req.Properties["color"].Value.Enum; !slices.Equal(got, []any{"red", "green", ""}) {
		t.Errorf("request color enum %v", got)
	}
	resp := post.Responses.Status(201).Value.Content.Get("application/json").Schema.Value
	if resp.AdditionalProperties.Has != nil || !slices.Equal(resp.Required, []string{"color", "name"}) {
		t.Errorf("response schema: additionalProperties %v, required %v", resp.AdditionalProperties.Has, resp.Required)
	}
	if got := resp.Properties["color"].Value.Enum; !slices.Equal(got, []any{"red", "green"}) {
		t.Errorf("response color enum %v", got)
	}
	for _, code := range []int{201, 400, 401, 409, 500} {
		if post.Responses.Status(code) == nil {
			t.Errorf("POST lacks %d", code)
		}
	}
	if post.Responses.Status(404) != nil {
		t.Error("POST without a path parameter declares 404")
	}
	patch := doc.Paths.Value("/api/v1/items/{id}").Patch
	if patch.Security == nil || len(*patch.Security) != 0 {
		t.Error("a public route should need no sign-in")
	}
	if c := patch.RequestBody.Value.Content.Get("application/json").Schema.Value.Properties["color"].Value; !c.Nullable {
		t.Error("a pointer field of a patch may be null")
	}
	for _, p := range patch.Parameters {
		if p.Value.Name == "limit" && !p.Value.Schema.Value.Type.Is("integer") {
			t.Error("limit is not an integer")
		}
	}
	export := doc.Paths.Value("/api/v1/items.csv").Get
	if export.Responses.Status(200).Value.Content.Get("text/csv") == nil {
		t.Error("the export has no text/csv answer")
	}
	// "quarter!" is a required parameter named quarter; the others are optional.
	required := map[string]bool{}
	for _, p := range append(export.Parameters, patch.Parameters...) {
		required[p.Value.Name] = p.Value.Required
	}
	if !required["quarter"] || required["color"] || required["limit"] || len(export.Parameters) != 2 {
		t.Errorf("required query parameters: %v (%d on the export)", required, len(export.Parameters))
	}

	// A tag naming an enumeration nobody registered is found at once.
	bad := NewOpenAPI()
	bad.Add("POST", "/api/v1/x", Doc{Request: docPatch{}}, false)
	defer func() {
		if recover() == nil {
			t.Error("an unregistered enumeration did not stop the document")
		}
	}()
	bad.Document()
}
