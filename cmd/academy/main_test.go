package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
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

// syncBuffer is a bytes.Buffer safe to read while the server writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeOnTheEmbeddedStore runs the binary's serve path as `go run
// ./cmd/academy` does: embedded store in a fresh data directory, demo
// network loaded, banner printed; then a signal stops it in order.
func TestServeOnTheEmbeddedStore(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, nil, env(map[string]string{"ACADEMY_HTTP_ADDR": addr, "ACADEMY_DATA_DIR": dir}), out,
			slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	deadline := time.Now().Add(90 * time.Second)
	for !strings.Contains(out.String(), "CTV Academy is running") {
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
	banner := out.String()
	for _, want := range []string{"http://" + addr, "embedded FerretDB", "mail drop", "dieuphoi@example.vn", "every demo password is: "} {
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
}
