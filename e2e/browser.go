// Package e2e drives the whole service through headless Chromium, as a
// user on a phone or a desktop would: the tests start the server with
// apptest and open its pages in a real browser (chromedp).
//
// The browser is found at /usr/bin/chromium or at ACADEMY_CHROMIUM. When it
// is missing the tests skip, unless ACADEMY_E2E=required (as in CI), where
// they fail. A failing test leaves a full-page screenshot in
// ACADEMY_E2E_ARTIFACTS, or in the temporary directory, and logs its path.
package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/clock"
)

// Timeout bounds each browser, from its opening to its last step; each
// step has a deadline of its own besides. On a loaded machine
// (CI beside another test run) the scheduling test's steps took over 40 s:
// a bound of 60 s failed it there without anything being wrong.
const Timeout = 2 * time.Minute

// PhoneWidth is the widest viewport that is emulated as a phone (mobile
// metrics and touch).
const PhoneWidth = 480

// Start runs the service (apptest.Start, with the demo network) and a
// browser on it for the test, in the order that lets both stop cleanly; most
// tests need nothing else. It skips before the server starts when there is
// no Chromium.
func Start(t testing.TB, width, height int, opts ...apptest.Options) (*apptest.Server, context.Context) {
	t.Helper()
	chromium(t)
	srv := apptest.Start(t, opts...)
	return srv, NewBrowser(t, width, height)
}

// StartAt is Start on a service whose clock stands at now until the test
// moves it.
func StartAt(t testing.TB, width, height int, now time.Time) (*apptest.Server, context.Context, *clock.Manual) {
	t.Helper()
	clk := clock.NewManual(now)
	srv, ctx := Start(t, width, height, apptest.Options{Clock: clk})
	return srv, ctx, clk
}

// NewBrowser opens a fresh browser for the test with a width×height
// viewport and returns the context its actions run in; the context ends
// after Timeout. The browser is a browser context of its own (cookies,
// storage and cache apart, like a private window) in the one Chromium the
// package's tests share: a context costs a tab, a Chromium a process start
// (about 2.5 s of CPU each). It is closed at cleanup, after a screenshot is
// saved when the test failed.
//
// Call it after apptest.Start: cleanups run last-first, and the server's
// graceful stop waits for the browser's keep-alive connections, so the
// browser has to close first.
func NewBrowser(t testing.TB, width, height int) context.Context {
	t.Helper()
	root, err := sharedChromium(chromium(t))
	if err != nil {
		t.Fatal(err)
	}
	// The browser lives as long as ctx, which has no deadline, so that a
	// screenshot can still be taken after the test's own deadline passed.
	ctx, cancelBrowser := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	deadline := time.Now().Add(Timeout)
	closeBrowser := func() {
		if err := chromedp.Cancel(ctx); err != nil && !errors.Is(err, context.Canceled) {
			t.Logf("closing the browser: %v", err)
		}
		cancelBrowser()
	}
	if err := first(ctx, cancelBrowser, viewport(width, height)); err != nil {
		closeBrowser()
		t.Fatalf("opening a browser: %v", err)
	}

	tctx, cancelTest := context.WithDeadline(ctx, deadline)
	t.Cleanup(func() {
		if t.Failed() {
			saveScreenshot(t, ctx)
		}
		cancelTest()
		closeBrowser()
	})
	return tctx
}

// shared is the package's one Chromium, started by the first NewBrowser
// and stopped by StopChromium.
var shared struct {
	once sync.Once
	ctx  context.Context
	stop func()
	err  error
}

// sharedChromium starts exe headless once and returns the context of its
// first tab, from which NewBrowser opens each test's browser context.
func sharedChromium(exe string) (context.Context, error) {
	shared.once.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(exe),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-quic", true),
			// No UserDataDir: the allocator makes a temporary profile and
			// removes it once Chromium and its helper processes are gone.
		)
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelBrowser := chromedp.NewContext(allocCtx)
		shared.ctx = ctx
		shared.stop = func() {
			sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			if err := chromedp.Cancel(sctx); err != nil && !errors.Is(err, context.Canceled) {
				fmt.Fprintf(os.Stderr, "closing Chromium: %v\n", err)
			}
			cancelBrowser()
			cancelAlloc()
		}
		if err := first(ctx, cancelBrowser); err != nil {
			shared.stop()
			shared.err = fmt.Errorf("starting Chromium %s: %w", exe, err)
		}
	})
	return shared.ctx, shared.err
}

// first runs a chromedp context's first steps, which start its Chromium or
// open its tab, within Timeout. That first run's context also bounds the
// browser's (or the tab's) life, so it has no deadline: a timer cancels the
// context instead.
func first(ctx context.Context, cancel func(), steps ...chromedp.Action[chromedp.Void]) error {
	timer := time.AfterFunc(Timeout, cancel)
	err := chromedp.Do(ctx, steps...)
	if !timer.Stop() {
		return fmt.Errorf("not ready within %v (%v)", Timeout, err)
	}
	return err
}

// StopChromium stops the shared Chromium, if it was started; TestMain
// calls it once the tests have run.
func StopChromium() {
	shared.once.Do(func() {}) // none starts after this
	if shared.stop != nil && shared.err == nil {
		shared.stop()
	}
}

// chromium returns the browser to run, skipping or failing the test when
// there is none.
func chromium(t testing.TB) string {
	t.Helper()
	path := os.Getenv("ACADEMY_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	found, err := exec.LookPath(path)
	if err == nil {
		return found
	}
	msg := fmt.Sprintf("no Chromium at %s (%v): install it (apt-get install chromium) or set ACADEMY_CHROMIUM", path, err)
	if os.Getenv("ACADEMY_E2E") == "required" {
		t.Fatal(msg + "; browser tests are required (ACADEMY_E2E=required)")
	}
	t.Skip(msg + "; set ACADEMY_E2E=required to fail instead")
	return ""
}

// viewport sets the page's device metrics: a portrait phone with touch up
// to PhoneWidth, a desktop window beyond.
func viewport(width, height int) chromedp.Action[chromedp.Void] {
	if width <= PhoneWidth {
		return chromedp.EmulateViewport(int64(width), int64(height),
			chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
	}
	return chromedp.EmulateViewport(int64(width), int64(height))
}

// saveScreenshot writes a full-page PNG of the tab and logs where it is.
func saveScreenshot(t testing.TB, ctx context.Context) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("no screenshot: %v", err)
		return
	}
	dir := os.Getenv("ACADEMY_E2E_ARTIFACTS")
	if dir == "" {
		dir = os.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("no screenshot: %v", err)
		return
	}
	name := strings.NewReplacer("/", "_", " ", "_", "\\", "_").Replace(t.Name())
	f, err := os.CreateTemp(dir, name+"-*.png")
	if err != nil {
		t.Logf("no screenshot: %v", err)
		return
	}
	_, werr := f.Write(png)
	if err := errors.Join(werr, f.Close()); err != nil {
		t.Logf("no screenshot: %v", err)
		return
	}
	path, _ := filepath.Abs(f.Name())
	loc, _ := chromedp.Run(sctx, chromedp.Location())
	t.Logf("screenshot of %s: %s", loc, path)
}

// Do runs steps that return nothing, failing the test with what on error.
func Do(t testing.TB, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// Run runs one action and returns its value, failing the test with what on
// error.
func Run[T any](t testing.TB, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// Load runs steps that lead to a new page (a navigation, a click on a link
// or a submit button), waits until the page has loaded and returns its
// response after redirects; it fails the test on an error status.
func Load(t testing.TB, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) *network.Response {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if resp.Status >= 400 {
		t.Fatalf("%s: %s answered %d %s", what, resp.URL, resp.Status, resp.StatusText)
	}
	return resp
}

// Open navigates to url, waits until the page has loaded and returns its
// response after redirects; it fails the test on an error status.
func Open(t testing.TB, ctx context.Context, url string) *network.Response {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	if resp.Status >= 400 {
		t.Fatalf("open %s: %s answered %d %s", url, resp.URL, resp.Status, resp.StatusText)
	}
	return resp
}
