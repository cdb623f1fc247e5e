package standing

import "github.com/ctvacademy/academy/modules/platform/web"

func (m *Module) pageRoutes(p *web.Platform) error { return nil }
