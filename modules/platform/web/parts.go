package web

import (
	"io/fs"
	"path"
)

// WithParts returns fsys where every page (a .html file) is followed by
// the templates of the file parts, so that several pages of a module share
// them (each page is parsed on its own with the layout).
func WithParts(fsys fs.ReadFileFS, parts string) fs.FS {
	return withParts{fsys, parts}
}

type withParts struct {
	fs.ReadFileFS
	parts string
}

// ReadFile is a page with the parts after it.
func (w withParts) ReadFile(name string) ([]byte, error) {
	b, err := w.ReadFileFS.ReadFile(name)
	if err != nil || path.Ext(name) != ".html" {
		return b, err
	}
	parts, err := w.ReadFileFS.ReadFile(w.parts)
	return append(append(b, '\n'), parts...), err
}
