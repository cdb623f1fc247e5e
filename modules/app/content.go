package app

import (
	"io/fs"

	"github.com/ctvacademy/academy/content"
)

func mustSub(dir string) fs.FS {
	sub, err := fs.Sub(content.FS, dir)
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}
