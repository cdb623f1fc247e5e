// Package policies holds who may do what, as data: the Casbin model and the
// policy (role × route × method → scope), embedded in the binary.
package policies

import _ "embed"

// Model is the Casbin model: role, route pattern, method; the matched rule's
// fourth field is the row scope (all, area, own).
//
//go:embed model.conf
var Model string

// Policy is the Casbin policy in CSV form.
//
//go:embed policy.csv
var Policy string
