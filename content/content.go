// Package content embeds the product's content: UI translations, the demo
// network, courses and their quiz banks, the standing rules. It is data,
// validated at start-up.
package content

import "embed"

// FS holds everything under content/.
//
//go:embed i18n demo courses mail standing.yaml
var FS embed.FS
