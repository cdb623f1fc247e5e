package accounts_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/accounts"
	"github.com/ctvacademy/academy/modules/app/apptest"
	"github.com/ctvacademy/academy/modules/platform/clock"
)

// clientAt returns an HTTP client whose connections leave from ip: on
// loopback, 127.0.0.2 is another client than 127.0.0.1 as the server sees it.
func clientAt(t *testing.T, ip string) *http.Client {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	tr := &http.Transport{DialContext: d.DialContext}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// signIn posts the API login from c, with an X-Forwarded-For header when
// xff is set.
func signIn(t *testing.T, s *apptest.Server, c *http.Client, xff, email, password string) apptest.Response {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	req := apptest.NewRequest(t, "POST", s.URL+"/api/v1/auth/login", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	return apptest.Send(t, c, req)
}

// wantLocked checks a 429 problem+json with a Retry-After of a second or more.
func wantLocked(t *testing.T, r apptest.Response, what string) {
	t.Helper()
	if r.Status != http.StatusTooManyRequests {
		t.Fatalf("%s: %d %s, want 429", what, r.Status, r.Body)
	}
	if p := r.Problem(t); p.Status != 429 || p.Detail == "" {
		t.Errorf("%s: problem %+v", what, p)
	}
	if ra, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || ra < 1 {
		t.Errorf("%s: Retry-After = %q", what, r.Header.Get("Retry-After"))
	}
}

// accountsToSpray returns the emails of n+2 demo accounts.
func accountsToSpray(t *testing.T, s *apptest.Server, n int) []string {
	t.Helper()
	var out []string
	for _, c := range s.Collaborators(t) {
		if c.Email != "" && !c.Archived {
			out = append(out, c.Email)
		}
	}
	if len(out) < n+2 {
		t.Fatalf("the demo network has %d accounts, the test needs %d", len(out), n+2)
	}
	return out[:n+2]
}

// startStill starts a server on a clock that stands still, so that no lock
// runs out while a test runs.
func startStill(t *testing.T, o apptest.Options) *apptest.Server {
	t.Helper()
	if o.Clock == nil {
		o.Clock = clock.NewManual(time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC))
	}
	return apptest.Start(t, o)
}

// spray tries one wrong password once on each of the first
// ClientFreeFailures emails from c (forwarded for xff(i) when xff is set):
// each is refused as a wrong password, and the client reaches its limit.
func spray(t *testing.T, s *apptest.Server, c *http.Client, xff func(i int) string, emails []string) {
	t.Helper()
	for i := 0; i < accounts.ClientFreeFailures; i++ {
		fwd := ""
		if xff != nil {
			fwd = xff(i)
		}
		if r := signIn(t, s, c, fwd, emails[i], "spray-password-1"); r.Status != 401 {
			t.Fatalf("spray %d on %s: %d %s", i+1, emails[i], r.Status, r.Body)
		}
	}
}

func TestPasswordSprayFromOneClientIsThrottled(t *testing.T) {
	t.Parallel()
	s := startStill(t, apptest.Options{})
	emails := accountsToSpray(t, s, accounts.ClientFreeFailures)
	sprayer := clientAt(t, "127.0.0.1")
	// One password tried once on each account: no account reaches its own
	// limit, the client does.
	spray(t, s, sprayer, nil, emails)
	wantLocked(t, signIn(t, s, sprayer, "", emails[accounts.ClientFreeFailures], "spray-password-1"), "the spray's next guess")
	// Locked, the client gets nowhere, even with a right password.
	wantLocked(t, signIn(t, s, sprayer, "", emails[accounts.ClientFreeFailures+1], apptest.DemoPassword), "the right password from the locked client")
	// Everyone else still signs in.
	if r := signIn(t, s, clientAt(t, "127.0.0.2"), "", emails[accounts.ClientFreeFailures+1], apptest.DemoPassword); r.Status != 200 {
		t.Fatalf("another client: %d %s", r.Status, r.Body)
	}
	// The count lives in the store, where every process reads it.
	th, err := accounts.NewStore(s.App.DB).ThrottleOf(context.Background(), "client:127.0.0.1")
	if err != nil || th.Failures != accounts.ClientFreeFailures+1 {
		t.Errorf("stored client count = %d (%v), want %d", th.Failures, err, accounts.ClientFreeFailures+1)
	}
}

func TestStrangerCannotLockOutTheOwner(t *testing.T) {
	t.Parallel()
	s := startStill(t, apptest.Options{})
	stranger, owner := clientAt(t, "127.0.0.1"), clientAt(t, "127.0.0.3")
	for i := 1; i <= accounts.FreeFailures; i++ {
		if r := signIn(t, s, stranger, "", apptest.Coordinator, fmt.Sprintf("guess-%d-guess", i)); r.Status != 401 {
			t.Fatalf("guess %d: %d %s", i, r.Status, r.Body)
		}
	}
	for i := 0; i < 3; i++ {
		wantLocked(t, signIn(t, s, stranger, "", apptest.Coordinator, "guess-again-guess"), "the stranger's guess")
	}
	// The stranger is slowed, the owner is not.
	if r := signIn(t, s, owner, "", apptest.Coordinator, apptest.DemoPassword); r.Status != 200 {
		t.Fatalf("the owner, from their own client, while a stranger hammers the account: %d %s", r.Status, r.Body)
	}
	// The owner's success unlocks nobody else.
	wantLocked(t, signIn(t, s, stranger, "", apptest.Coordinator, apptest.DemoPassword), "the stranger after the owner signed in")
	// The owner's own typo is an ordinary 401, not the stranger's lock.
	if r := signIn(t, s, owner, "", apptest.Coordinator, "a-typo-password"); r.Status != 401 {
		t.Errorf("the owner's typo: %d %s", r.Status, r.Body)
	}
}

func TestForgedForwardedForDoesNotBypassTheClientLimit(t *testing.T) {
	t.Parallel()
	// No trusted proxy (the default): X-Forwarded-For names nobody.
	s := startStill(t, apptest.Options{})
	emails := accountsToSpray(t, s, accounts.ClientFreeFailures)
	c := clientAt(t, "127.0.0.1")
	spray(t, s, c, func(i int) string { return fmt.Sprintf("198.51.100.%d", i+1) }, emails)
	wantLocked(t, signIn(t, s, c, "198.51.100.200", emails[accounts.ClientFreeFailures], "spray-password-1"), "a guess with yet another forged X-Forwarded-For")
}

func TestTrustedProxyForwardedClientsAreDistinct(t *testing.T) {
	t.Parallel()
	s := startStill(t, apptest.Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	emails := accountsToSpray(t, s, accounts.ClientFreeFailures)
	proxy := clientAt(t, "127.0.0.1")
	const sprayer, neighbour = "203.0.113.7", "203.0.113.8"
	spray(t, s, proxy, func(int) string { return sprayer }, emails)
	wantLocked(t, signIn(t, s, proxy, sprayer, emails[0], "spray-password-1"), "the sprayer behind the proxy")
	// The sprayer writing a made-up address in front gains nothing: the
	// proxy appends the real one, and that is the rightmost untrusted entry.
	wantLocked(t, signIn(t, s, proxy, "192.0.2.99, "+sprayer, emails[0], "spray-password-1"), "the sprayer with a forged entry")
	// Another client behind the same proxy is another client.
	if r := signIn(t, s, proxy, neighbour, emails[1], "a-typo-password"); r.Status != 401 {
		t.Errorf("the neighbour's typo: %d %s", r.Status, r.Body)
	}
	if r := signIn(t, s, proxy, neighbour, emails[accounts.ClientFreeFailures+1], apptest.DemoPassword); r.Status != 200 {
		t.Errorf("the neighbour behind the proxy: %d %s", r.Status, r.Body)
	}
	// A peer that is not a trusted proxy is the client, whatever it writes.
	if r := signIn(t, s, clientAt(t, "127.0.0.4"), sprayer, emails[accounts.ClientFreeFailures+1], apptest.DemoPassword); r.Status != 200 {
		t.Errorf("an untrusted peer naming the sprayer: %d %s", r.Status, r.Body)
	}
}

func TestClientKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"192.0.2.1", "192.0.2.1"},
		{"::ffff:192.0.2.1", "192.0.2.1"},
		{"2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:bbbb:cccc:dddd:9", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"", "unknown"},
		{accounts.LocalClient, accounts.LocalClient},
	} {
		if got := accounts.ClientKey(tc.in); got != tc.want {
			t.Errorf("ClientKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for n, want := range map[int]time.Duration{accounts.ClientFreeFailures: 0, accounts.ClientFreeFailures + 1: time.Second, accounts.ClientFreeFailures + 3: 4 * time.Second, 200: accounts.MaxLock} {
		if got := accounts.ClientLockFor(n); got != want {
			t.Errorf("ClientLockFor(%d) = %v, want %v", n, got, want)
		}
	}
}

func TestNormalizeEmailRefusesLookAlikes(t *testing.T) {
	t.Parallel()
	if got, err := accounts.NormalizeEmail("  An.Nguyen@Example.VN "); err != nil || got != "an.nguyen@example.vn" {
		t.Errorf("plain address: %q %v", got, err)
	}
	for _, bad := range []string{"an.nguyen@example.vn\u200b", "an\u200d.nguyen@example.vn", "nguye\u0302n@example.vn", "nguyễn@example.vn", "an nguyen@example.vn", "an\t@example.vn"} {
		if _, err := accounts.NormalizeEmail(bad); err == nil || !strings.Contains(err.Error(), "email") {
			t.Errorf("NormalizeEmail(%q) = %v, want an error naming email", bad, err)
		}
	}
}

func TestStaleThrottleRecordsArePurged(t *testing.T) {
	t.Parallel()
	clk := clock.NewManual(time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC))
	s := apptest.Start(t, apptest.Options{Clock: clk, NoDemo: true})
	if r := signIn(t, s, http.DefaultClient, "", "ghost@example.vn", "wrong-password-1"); r.Status != 401 {
		t.Fatalf("failure: %d", r.Status)
	}
	ctx := context.Background()
	count := func() int64 {
		n, err := s.App.DB.Collection("login_throttle").CountDocuments(ctx, map[string]any{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 2 { // the client, and the account from the client
		t.Fatalf("%d throttle records after one failure, want 2", n)
	}
	clk.Advance(accounts.ThrottleForget - time.Minute)
	if n, err := s.App.Accounts.PurgeThrottles(ctx); err != nil || n != 0 || count() != 2 {
		t.Fatalf("a live record was purged (%d, %v)", n, err)
	}
	clk.Advance(2 * time.Minute)
	if n, err := s.App.Accounts.PurgeThrottles(ctx); err != nil || n != 2 || count() != 0 {
		t.Fatalf("purge after ThrottleForget: %d removed, %d left, %v", n, count(), err)
	}
}
