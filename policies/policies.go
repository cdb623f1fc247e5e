// Package policies holds who may do what, as data: the Casbin model and the
// policy (role × route × method → scope), embedded in the binary. Each
// module's lines live in a file of their own; Policy joins them.
package policies

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

// Model is the Casbin model: role, route pattern, method; the matched rule's
// fourth field is the row scope (all, area, own).
//
//go:embed model.conf
var Model string

//go:embed *.csv
var files embed.FS

// Policy returns the whole policy in CSV form: every *.csv file here, in
// name order.
func Policy() string {
	names, _ := fs.Glob(files, "*.csv")
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		data, err := files.ReadFile(n)
		if err != nil {
			continue
		}
		b.WriteString("# file: " + n + "\n")
		b.Write(data)
		b.WriteString("\n")
	}
	return b.String()
}
