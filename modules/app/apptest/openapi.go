package apptest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/ctvacademy/academy/modules/platform/web"
)

// Every answer Server.Do reads from /api/v1 is checked against the
// document the service serves (/api/openapi.json), with kin-openapi:
//
//   - the answer must be one the document declares for the route: its
//     status, its media type, its body's schema;
//   - a request the document refuses (a missing required field, a value
//     outside an enumeration, limit=0…) must not succeed: if the service
//     accepts it, the document is stricter than the service.
//
// A mismatch fails the test. Options.NoOpenAPICheck turns it off for a
// server whose answers are not the point (a load test).

// apiCheck validates request/answer pairs against the served document.
type apiCheck struct {
	once   sync.Once
	err    error
	router routers.Router
}

var registerXLSX sync.Once

// load reads and checks the served document, once per server.
func (s *Server) loadDocument() (routers.Router, error) {
	s.api.once.Do(func() {
		registerXLSX.Do(func() { openapi3filter.RegisterBodyDecoder(web.XLSX, openapi3filter.FileBodyDecoder) })
		s.api.err = func() error {
			req, err := http.NewRequest("GET", s.URL+"/api/openapi.json", nil)
			if err != nil {
				return err
			}
			r, err := fetch(nil, req)
			if err != nil {
				return err
			}
			if r.Status != http.StatusOK {
				return fmt.Errorf("GET /api/openapi.json: %d %s", r.Status, r.Body)
			}
			parsed, err := parsedDocument(r.Body, s.cfg.BaseURL)
			if err != nil {
				return fmt.Errorf("/api/openapi.json: %w", err)
			}
			// The document names the base URL; requests go to the listener.
			// A copy of the document: others share the parsed one.
			doc := *parsed
			doc.Servers = openapi3.Servers{{URL: s.URL}}
			s.api.router, err = gorillamux.NewRouter(&doc)
			return err
		}()
	})
	return s.api.router, s.api.err
}

// parsed holds the documents ParseDocument read, by their text with the
// server's base URL taken out: every server of a test binary serves the
// same document, and reading and validating it costs more than most tests.
var parsed sync.Map // [sha256.Size]byte → *parsedDoc

type parsedDoc struct {
	once sync.Once
	doc  *openapi3.T
	err  error
}

// parsedDocument is ParseDocument(data), read once per text; the caller
// must not change the document it returns.
func parsedDocument(data []byte, baseURL string) (*openapi3.T, error) {
	key := sha256.Sum256(bytes.ReplaceAll(data, []byte(baseURL), nil))
	v, _ := parsed.LoadOrStore(key, &parsedDoc{})
	p := v.(*parsedDoc)
	p.once.Do(func() { p.doc, p.err = ParseDocument(data) })
	return p.doc, p.err
}

// ParseDocument loads an OpenAPI document as a client generator does and
// validates it with kin-openapi.
func ParseDocument(data []byte) (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("not a valid OpenAPI document: %w", err)
	}
	return doc, nil
}

// checkAPI validates one request and its answer against the document.
func (s *Server) checkAPI(t testing.TB, req *http.Request, body []byte, r Response) {
	t.Helper()
	if s.noAPICheck || !strings.HasPrefix(req.URL.Path, "/api/v1/") {
		return
	}
	router, err := s.loadDocument()
	if err != nil {
		t.Fatalf("OpenAPI check: %v", err)
	}
	req = req.Clone(context.Background())
	req.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := router.FindRoute(req)
	if err != nil {
		// Not a route of the document (an unknown path or method): the
		// test that keeps routes and document in step covers that.
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	ctx := context.Background()
	reqErr := openapi3filter.ValidateRequest(ctx, in)
	if reqErr != nil && r.Status < 300 {
		t.Errorf("OpenAPI: the document refuses %s %s but the service answered %d:\n%v", req.Method, req.URL.RequestURI(), r.Status, reqErr)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: r.Status, Header: r.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	out.SetBodyBytes(r.Body)
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		t.Errorf("OpenAPI: the answer to %s %s (%d) is not one the document declares:\n%v\nbody: %.500s", req.Method, req.URL.RequestURI(), r.Status, err, r.Body)
	}
}
