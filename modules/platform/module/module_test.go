package module

import (
	"testing"

	"github.com/ctvacademy/academy/modules/platform/web"
)

// registering records what the platform was when its Register ran.
type registering struct {
	Base
	sawPlatform *web.Platform
}

func (m *registering) Register(*web.Platform) error {
	m.sawPlatform = m.Platform
	return nil
}

func TestRegisterHandsTheModuleItsPlatformFirst(t *testing.T) {
	t.Parallel()
	p := &web.Platform{}
	m := &registering{Base: Named("x", "")}
	if err := Register(m, p); err != nil {
		t.Fatal(err)
	}
	if m.sawPlatform != p || m.Platform != p {
		t.Errorf("Register ran with Platform %p (now %p), want %p", m.sawPlatform, m.Platform, p)
	}
}
