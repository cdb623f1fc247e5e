package web

import (
	"io"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/gofiber/fiber/v2"
)

// UploadedSheet reads the spreadsheet (CSV or XLSX) an import sends as the
// multipart/form-data field named field: its file name and its content, at
// most UploadLimit bytes. Errors:
// errs.Invalid naming the field when it is missing or cannot be read,
// errs.TooLarge when it is larger than UploadLimit.
func UploadedSheet(c *fiber.Ctx, field string) (name string, data []byte, err error) {
	fh, err := c.FormFile(field)
	if err != nil {
		return "", nil, errs.Field(field, "send the CSV or XLSX file as multipart/form-data field %q", field)
	}
	if fh.Size > UploadLimit {
		return "", nil, errs.E(errs.TooLarge, "the file is larger than 10 MiB")
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, errs.Field(field, "cannot be read")
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, UploadLimit+1))
	if err != nil {
		return "", nil, errs.Field(field, "cannot be read")
	}
	return fh.Filename, data, nil
}
