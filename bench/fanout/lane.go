package fanout

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ctvacademy/academy/bench/burst"
)

// Lane sends one kind of request at a steady rate with a few clients: each
// of Clients sends a request, then waits for its next slot (every
// Clients/Rate seconds; at once when it is late), until ctx ends. A request
// whose Next has nothing to do (no RSVP token arrived yet) is not sent.
// A Rate or Clients of 0 switches the lane off.
type Lane struct {
	Name    string
	Clients int
	Rate    float64 // requests per second, all clients together
	// Next returns the request to send, or nil when there is nothing to do
	// now; it blocks at most until ctx ends.
	Next func(ctx context.Context, client int) func(ctx context.Context) error

	mu      sync.Mutex
	samples []Sample
}

// Sample is one request.
type Sample struct {
	Began, End time.Time
	Err        error
}

// Run runs the lane until ctx ends; requests in flight then finish (their
// own context is reqCtx, which the caller ends later).
func (l *Lane) Run(ctx, reqCtx context.Context) {
	if l.Clients <= 0 || l.Rate <= 0 {
		return // switched off
	}
	every := time.Duration(float64(time.Second) * float64(l.Clients) / l.Rate)
	var wg sync.WaitGroup
	for i := range l.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Spread the clients' slots over the period.
			next := time.Now().Add(every * time.Duration(i) / time.Duration(l.Clients))
			for {
				t := time.NewTimer(time.Until(next))
				select {
				case <-ctx.Done():
					t.Stop()
					return
				case <-t.C:
				}
				do := l.Next(ctx, i)
				if do == nil {
					if ctx.Err() != nil {
						return
					}
					next = time.Now()
					continue
				}
				s := Sample{Began: time.Now()}
				s.Err = do(reqCtx)
				s.End = time.Now()
				l.mu.Lock()
				l.samples = append(l.samples, s)
				l.mu.Unlock()
				next = next.Add(every)
				if now := time.Now(); next.Before(now) {
					next = now
				}
			}
		}()
	}
	wg.Wait()
}

// Add records a request made outside Run (e.g. the page a client loads
// before it posts a form).
func (l *Lane) Add(s Sample) {
	l.mu.Lock()
	l.samples = append(l.samples, s)
	l.mu.Unlock()
}

// Stats are a lane's figures.
type Stats struct {
	N, Errors      int
	OpsPerSec      float64 // successful requests per second over the lane's span
	P50, P99, Max  time.Duration
	FirstErrors    []string
	Span           time.Duration
	Began, Stopped time.Time
}

// Stats returns the figures of the requests that began in [from, to).
func (l *Lane) Stats(from, to time.Time) Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	var st Stats
	var durs []time.Duration
	var first, last time.Time
	for _, s := range l.samples {
		if s.Began.Before(from) || !s.Began.Before(to) {
			continue
		}
		st.N++
		if s.Err != nil {
			st.Errors++
			if len(st.FirstErrors) < 3 {
				st.FirstErrors = append(st.FirstErrors, s.Err.Error())
			}
		}
		durs = append(durs, s.End.Sub(s.Began))
		if first.IsZero() || s.Began.Before(first) {
			first = s.Began
		}
		if s.End.After(last) {
			last = s.End
		}
	}
	if st.N == 0 {
		return st
	}
	slices.Sort(durs)
	st.P50, st.P99, st.Max = burst.Percentile(durs, 0.50), burst.Percentile(durs, 0.99), durs[len(durs)-1]
	st.Began, st.Stopped, st.Span = first, last, last.Sub(first)
	if st.Span > 0 {
		st.OpsPerSec = float64(st.N-st.Errors) / st.Span.Seconds()
	}
	return st
}

// NewClient is a keep-alive HTTP client for n concurrent users that does
// not follow redirects (a form post answers 303; the page it points to is
// another request).
func NewClient(n int, timeout time.Duration) *http.Client {
	c := burst.NewClient(n, timeout)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// Get loads a page and checks the status.
func Get(ctx context.Context, c *http.Client, u string, want int) error {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/html")
	return burst.Do(c, req, want, nil)
}

// csrfField finds the value of a form's hidden `_csrf` input.
var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// GetForm loads a page with a form, checks the status and returns the
// form's CSRF token (bound to the page's cookie and session: the cookie's
// value alone is refused).
func GetForm(ctx context.Context, c *http.Client, u string, want int) (string, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "text/html")
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != want {
		return "", fmt.Errorf("GET %s: %d", req.URL.Path, resp.StatusCode)
	}
	m := csrfField.FindSubmatch(data)
	if m == nil {
		return "", fmt.Errorf("GET %s: no _csrf field in the page", req.URL.Path)
	}
	return html.UnescapeString(string(m[1])), nil
}

// PostForm posts an HTML form, as a browser does, and checks the status.
func PostForm(ctx context.Context, c *http.Client, u string, form url.Values, want int) error {
	req, err := http.NewRequestWithContext(ctx, "POST", u, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html")
	return burst.Do(c, req, want, nil)
}
