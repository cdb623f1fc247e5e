package apptest

import (
	"net"
	"testing"
)

// Twin starts a second service on the server's database, as a second
// process sharing one MongoDB would be: its own in-process copies and
// caches, the same store and clock, the demo not loaded again. It stops
// at cleanup.
func (s *Server) Twin(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tw := &Server{URL: "http://" + ln.Addr().String(), t: t, ln: ln, noAPICheck: s.noAPICheck, cfg: s.cfg, opts: s.opts}
	tw.cfg.HTTPAddr, tw.cfg.BaseURL, tw.cfg.DataDir = ln.Addr().String(), tw.URL, t.TempDir()
	tw.cfg.Demo, tw.cfg.MetricsAddr = false, ""
	if err := tw.run(); err != nil {
		_ = ln.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { tw.stop() })
	return tw
}
