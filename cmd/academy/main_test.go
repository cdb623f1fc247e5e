package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	netmail "net/mail"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/mail"
	"github.com/ctvacademy/academy/modules/platform/storetest"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigDefaults(t *testing.T) {
	cfg, err := configFrom(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HTTPAddr != "127.0.0.1:8080" || cfg.BaseURL != "http://127.0.0.1:8080" || cfg.DataDir != "./data" ||
		cfg.MongoDB != "academy" || cfg.MailFrom != "academy@localhost" || !cfg.Demo {
		t.Errorf("defaults: %+v", cfg)
	}
	cfg, err = configFrom(env(map[string]string{"ACADEMY_MONGODB_URI": "mongodb://db:27017/?replicaSet=rs0"}))
	if err != nil || cfg.Demo {
		t.Errorf("demo must default off with an external MongoDB: %+v %v", cfg, err)
	}
	if _, err := configFrom(env(map[string]string{"ACADEMY_DEMO": "perhaps"})); err == nil {
		t.Error("ACADEMY_DEMO=perhaps accepted")
	}
	if _, err := configFrom(env(map[string]string{"ACADEMY_ADMIN_EMAIL": "a@example.vn"})); err == nil {
		t.Error("admin email without a password accepted")
	}
}

func TestContentCheckPassesOnShippedContent(t *testing.T) {
	var out bytes.Buffer
	if err := contentCheck(&out); err != nil {
		t.Fatalf("content check: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "content: ok") {
		t.Errorf("output %q", out.String())
	}
}

// TestServeOnTheEmbeddedStore runs the binary's serve path as `go run
// ./cmd/academy` does: embedded store in a fresh data directory, demo
// network loaded, banner printed; then a signal stops it in order.
func TestServeOnTheEmbeddedStore(t *testing.T) {
	// Port 0 on both: serve binds them itself and names them in the banner,
	// so no other test can take a port between a pick and its bind.
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	out := &storetest.LogBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, nil, env(map[string]string{"ACADEMY_HTTP_ADDR": "127.0.0.1:0", "ACADEMY_DATA_DIR": dir, "ACADEMY_METRICS_ADDR": "127.0.0.1:0"}), out,
			slog.New(slog.DiscardHandler))
	}()
	deadline := time.Now().Add(90 * time.Second)
	for !strings.Contains(out.String(), "every demo password is: ") || !strings.Contains(out.String(), "/metrics\n") {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no banner; output so far: %s", out.String())
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended early: %v\n%s", err, out.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	addr := bannerField(t, out.String(), "(listening on ", ")")
	metricsAddr := bannerField(t, out.String(), "metrics: http://", "/metrics")
	if strings.HasSuffix(addr, ":0") || strings.HasSuffix(metricsAddr, ":0") {
		t.Fatalf("banner names port 0: %s, %s", addr, metricsAddr)
	}
	banner := out.String()
	// With ACADEMY_BASE_URL unset, the link to open is the bound address.
	for _, want := range []string{"open http://" + addr + " (listening", "embedded FerretDB", "mail drop", "dieuphoi@example.vn", "every demo password is: "} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
	pw := strings.TrimSpace(banner[strings.Index(banner, "every demo password is: ")+len("every demo password is: "):])
	pw = strings.SplitN(pw, "\n", 2)[0]
	resp, err := http.Post("http://"+addr+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"email":"dieuphoi@example.vn","password":"`+pw+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("sign in with the printed demo password: %d", resp.StatusCode)
	}
	// Metrics answer on ACADEMY_METRICS_ADDR, not on the public address.
	if !strings.Contains(banner, "metrics: http://"+metricsAddr+"/metrics") {
		t.Errorf("banner lacks the metrics address:\n%s", banner)
	}
	for u, want := range map[string]int{"http://" + metricsAddr + "/metrics": 200, "http://" + addr + "/metrics": 404} {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want || (want == 200 && !strings.Contains(string(b), `academy_http_requests_total{method="POST",route="/api/v1/auth/login",status="200"} 1`)) {
			t.Errorf("GET %s: %d, want %d", u, resp.StatusCode, want)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after the signal")
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("still answering after shutdown")
	}
	if _, err := http.Get("http://" + metricsAddr + "/metrics"); err == nil {
		t.Error("metrics still answering after shutdown")
	}
}

func TestProductionRefusesKnownOrShortAdminPasswords(t *testing.T) {
	mongo := "mongodb://db:27017/?replicaSet=rs0"
	for _, pw := range []string{"change-me-please", "Change-Me-Please", "password1234", "administrator", "demo-password-1", "short-one10"} {
		_, err := configFrom(env(map[string]string{"ACADEMY_MONGODB_URI": mongo, "ACADEMY_ADMIN_EMAIL": "admin@example.vn", "ACADEMY_ADMIN_PASSWORD": pw}))
		if err == nil {
			t.Errorf("admin password %q accepted against MongoDB", pw)
			continue
		}
		for _, want := range []string{"ACADEMY_ADMIN_PASSWORD", "refusing to start", "at least 12 characters", "openssl rand"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%q: the message %q does not say %q", pw, err, want)
			}
		}
	}
	// The demo password is no admin password either.
	if _, err := configFrom(env(map[string]string{"ACADEMY_MONGODB_URI": mongo, "ACADEMY_ADMIN_EMAIL": "admin@example.vn",
		"ACADEMY_ADMIN_PASSWORD": "shared-by-everyone-9", "ACADEMY_DEMO_PASSWORD": "shared-by-everyone-9"})); err == nil {
		t.Error("the demo password accepted as the admin's")
	}
	// The binary stops before it opens anything.
	err := run(context.Background(), nil, env(map[string]string{"ACADEMY_MONGODB_URI": mongo, "ACADEMY_ADMIN_EMAIL": "admin@example.vn",
		"ACADEMY_ADMIN_PASSWORD": "change-me-please", "ACADEMY_DATA_DIR": t.TempDir()}), io.Discard, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "well-known") {
		t.Errorf("serve with change-me-please against MongoDB: %v", err)
	}
	// A real secret passes, and the embedded store (a laptop) is not held to it.
	if _, err := configFrom(env(map[string]string{"ACADEMY_MONGODB_URI": mongo, "ACADEMY_ADMIN_EMAIL": "admin@example.vn", "ACADEMY_ADMIN_PASSWORD": "kX9v-2qLr-77ta-Wm"})); err != nil {
		t.Errorf("a long random password refused: %v", err)
	}
	if _, err := configFrom(env(map[string]string{"ACADEMY_ADMIN_EMAIL": "admin@example.vn", "ACADEMY_ADMIN_PASSWORD": "change-me-please"})); err != nil {
		t.Errorf("the embedded store refused a development password: %v", err)
	}
}

func TestTrustedProxiesAndMetricsAddr(t *testing.T) {
	cfg, err := configFrom(env(map[string]string{"ACADEMY_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.7 fd00::/8", "ACADEMY_METRICS_ADDR": "127.0.0.1:9090"}))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range cfg.TrustedProxies {
		got = append(got, p.String())
	}
	if strings.Join(got, " ") != "10.0.0.0/8 192.168.1.7/32 fd00::/8" || cfg.MetricsAddr != "127.0.0.1:9090" {
		t.Errorf("proxies %v, metrics %q", got, cfg.MetricsAddr)
	}
	if cfg, err := configFrom(env(nil)); err != nil || len(cfg.TrustedProxies) != 0 || cfg.MetricsAddr != "" {
		t.Errorf("defaults: proxies %v, metrics %q, %v", cfg.TrustedProxies, cfg.MetricsAddr, err)
	}
	if _, err := configFrom(env(map[string]string{"ACADEMY_TRUSTED_PROXIES": "10.0.0.0/33"})); err == nil || !strings.Contains(err.Error(), "ACADEMY_TRUSTED_PROXIES") {
		t.Errorf("a bad CIDR: %v", err)
	}
}

// bannerField is the text between before and after on the banner's first
// line that holds before.
func bannerField(t *testing.T, banner, before, after string) string {
	t.Helper()
	_, rest, ok := strings.Cut(banner, before)
	field, _, ok2 := strings.Cut(rest, after)
	if !ok || !ok2 || strings.Contains(field, "\n") {
		t.Fatalf("banner lacks %q…%q:\n%s", before, after, banner)
	}
	return field
}

// TestServeRefusesABusyAddressAtOnce: the address is bound before the store
// opens, so a port in use is reported, naming the setting, before any work.
func TestServeRefusesABusyAddressAtOnce(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := t.TempDir()
	err = run(context.Background(), nil, env(map[string]string{"ACADEMY_HTTP_ADDR": ln.Addr().String(), "ACADEMY_DATA_DIR": dir}), io.Discard,
		slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "ACADEMY_HTTP_ADDR") || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("serve on a busy address: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the data directory was written before the address failed: %v", entries)
	}
}

// ACADEMY_MAIL_FROM takes a bare address or a display name and an address;
// anything else stops the start naming the setting. A name given is the
// From a mail client shows (a drop-directory message, parsed back).
func TestMailFromTakesANameAndAnAddress(t *testing.T) {
	for _, c := range []struct{ in, addr, name string }{
		{"", "academy@localhost", ""},
		{"academy@example.vn", "academy@example.vn", ""},
		{"<academy@example.vn>", "academy@example.vn", ""},
		{"Trung tâm Khuyến công <academy@example.vn>", "academy@example.vn", "Trung tâm Khuyến công"},
		{`"Trung tâm Khuyến công, Đồng Nai" <academy@example.vn>`, "academy@example.vn", "Trung tâm Khuyến công, Đồng Nai"},
	} {
		cfg, err := configFrom(env(map[string]string{"ACADEMY_MAIL_FROM": c.in}))
		if err != nil || cfg.MailFrom != c.addr || cfg.MailFromName != c.name {
			t.Errorf("ACADEMY_MAIL_FROM=%q: %q %q %v, want %q %q", c.in, cfg.MailFrom, cfg.MailFromName, err, c.addr, c.name)
		}
	}
	for _, bad := range []string{"academy", "Trung tâm <academy>", "a@example.vn, b@example.vn", "Trung tâm Khuyến công <academy@example.vn", "@"} {
		_, err := configFrom(env(map[string]string{"ACADEMY_MAIL_FROM": bad}))
		if err == nil || !strings.Contains(err.Error(), "ACADEMY_MAIL_FROM") {
			t.Errorf("ACADEMY_MAIL_FROM=%q: %v, want a refusal naming the setting", bad, err)
		}
	}

	cfg, err := configFrom(env(map[string]string{"ACADEMY_MAIL_FROM": "Trung tâm Khuyến công <academy@example.vn>"}))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	d, err := mail.NewDropSender(dir, mail.Address{Email: cfg.MailFrom, Name: cfg.MailFromName})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Send(context.Background(), mail.Message{ID: "k1", To: mail.Address{Email: "an@example.vn"}, Subject: "Thư mời", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(d.Path("k1"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	from, err := m.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Trung tâm Khuyến công" || from[0].Address != "academy@example.vn" {
		t.Errorf("From %q: %+v %v", m.Header.Get("From"), from, err)
	}
	// The whole value in the address is refused by the sender itself.
	if _, err := mail.NewDropSender(dir, mail.Address{Email: "Trung tâm Khuyến công <academy@example.vn>"}); err == nil {
		t.Error("a sender with a display name in its address accepted")
	}
}
