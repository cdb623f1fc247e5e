package web

import (
	"io"
	"io/fs"
	"log/slog"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/platform/i18n"
	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
)

// The platform holds Options.Interactive while a request runs (the
// embedded store serves background loops after requests) and lets it go
// when the request ends, whether the handler succeeded or failed.
func TestRequestsAreHeldInteractiveWhileTheyRun(t *testing.T) {
	t.Parallel()
	sub, err := fs.Sub(content.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := i18n.Load(sub)
	if err != nil {
		t.Fatal(err)
	}
	var inFlight, entered atomic.Int32
	p, err := New(Options{Logger: slog.New(slog.DiscardHandler), Translator: tr, Registry: prometheus.NewRegistry(),
		Interactive: func() func() {
			entered.Add(1)
			inFlight.Add(1)
			return func() { inFlight.Add(-1) }
		}})
	if err != nil {
		t.Fatal(err)
	}
	var during atomic.Int32
	p.App.Get("/probe", func(c *fiber.Ctx) error {
		during.Store(inFlight.Load())
		if c.Query("fail") != "" {
			return fiber.ErrTeapot
		}
		return c.SendString("ok")
	})
	for i, target := range []string{"/probe", "/probe?fail=1"} {
		resp, err := p.App.Test(httptest.NewRequest("GET", target, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		if during.Load() != 1 {
			t.Errorf("%s: %d requests held interactive while the handler ran, want 1", target, during.Load())
		}
		if inFlight.Load() != 0 || entered.Load() != int32(i+1) {
			t.Errorf("%s: after the answer (status %d) %d still held, %d entered in all; want 0 and %d",
				target, resp.StatusCode, inFlight.Load(), entered.Load(), i+1)
		}
	}
}
