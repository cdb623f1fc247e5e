// Package policies holds the authorization model and the platform's own
// policy: the roles and the routes no module owns. Each module's lines live
// in its own policy.csv; the app joins them (module.Module.Policy).
package policies

import (
	_ "embed"
	"strings"
)

// Model is the Casbin model: role, route pattern, method; the matched rule's
// fourth field is the row scope (all, area, own).
//
//go:embed model.conf
var Model string

// Platform is the roles and the platform's routes.
//
//go:embed platform.csv
var Platform string

// Join joins policy files, each headed by its name, into one policy.
func Join(named ...[2]string) string {
	var b strings.Builder
	for _, f := range named {
		b.WriteString("# file: " + f[0] + "\n")
		b.WriteString(f[1])
		b.WriteString("\n")
	}
	return b.String()
}
