// Package content embeds the product's content: UI translations, the demo
// network, courses and their quiz banks. It is data, validated at start-up.
package content

import "embed"

// FS holds everything under content/.
//
//go:embed i18n demo courses mail
var FS embed.FS
