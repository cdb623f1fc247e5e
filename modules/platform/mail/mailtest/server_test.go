package mailtest_test

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/ctvacademy/academy/modules/platform/mail/mailtest"
)

// A stopped server keeps its address: no other server (another test's,
// started meanwhile) can listen on it and receive the mail meant for this
// one, and a client that connects is dropped before any greeting. Started
// again, it greets on the same address.
func TestStoppedServerKeepsItsAddress(t *testing.T) {
	t.Parallel()
	s := mailtest.New(t)
	greeting := func() (string, error) {
		c, err := net.DialTimeout("tcp", s.Addr(), 5*time.Second)
		if err != nil {
			return "", err
		}
		defer c.Close()
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		return bufio.NewReader(c).ReadString('\n')
	}
	if line, err := greeting(); err != nil || !strings.HasPrefix(line, "220 ") {
		t.Fatalf("running: %q, %v", line, err)
	}
	s.Stop()
	if l, err := net.Listen("tcp", s.Addr()); err == nil {
		l.Close()
		t.Fatalf("another listener took %s while the server was stopped", s.Addr())
	}
	if line, err := greeting(); err == nil {
		t.Fatalf("stopped: greeted %q", line)
	}
	s.Start()
	if line, err := greeting(); err != nil || !strings.HasPrefix(line, "220 ") {
		t.Fatalf("started again: %q, %v", line, err)
	}
}
