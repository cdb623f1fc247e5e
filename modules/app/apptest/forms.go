package apptest

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/platform/web"
)

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// Forms is a browser without JavaScript signed in with a session token
// (none: signed out): it keeps its cookies (the session, the CSRF cookie),
// follows no redirect and posts plain forms with the CSRF token of the last
// page it read.
type Forms struct {
	t    testing.TB
	s    *Server
	c    *http.Client
	csrf string
}

// Shown is a page as such a browser received it.
type Shown struct {
	Status   int
	Location string
	Header   http.Header
	Body     string
}

// Forms returns a form-posting browser signed in with token.
func (s *Server) Forms(t testing.TB, token string) *Forms {
	t.Helper()
	c := Browser(t)
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		c.Jar.SetCookies(u, []*http.Cookie{{Name: web.SessionCookie, Value: token, Path: "/"}})
	}
	return &Forms{t: t, s: s, c: c}
}

// Do sends req as the browser would and reads the page.
func (f *Forms) Do(req *http.Request) Shown {
	f.t.Helper()
	req.Header.Set("Accept", "text/html")
	r := Send(f.t, f.c, req)
	if m := csrfField.FindSubmatch(r.Body); m != nil {
		f.csrf = string(m[1])
	}
	return Shown{Status: r.Status, Location: r.Header.Get("Location"), Header: r.Header, Body: string(r.Body)}
}

// Get opens a page.
func (f *Forms) Get(path string) Shown {
	f.t.Helper()
	return f.Do(NewRequest(f.t, "GET", f.s.URL+path, nil))
}

// Post sends a form, with the CSRF token of the last page read unless the
// form has one.
func (f *Forms) Post(path string, form url.Values) Shown {
	f.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, set := form["_csrf"]; !set && f.csrf != "" {
		form.Set("_csrf", f.csrf)
	}
	req := NewRequest(f.t, "POST", f.s.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return f.Do(req)
}
