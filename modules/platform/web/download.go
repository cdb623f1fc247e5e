package web

import "github.com/gofiber/fiber/v2"

// CSV is the media type of a CSV export.
const CSV = "text/csv; charset=utf-8"

// SendFile answers with b as a download of media type contentType saved
// as filename (plain ASCII: it is written into the header as it is).
func SendFile(c *fiber.Ctx, contentType, filename string, b []byte) error {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	return c.Send(b)
}
