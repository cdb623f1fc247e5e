package web

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"testing"

	"github.com/ctvacademy/academy/modules/platform/errs"
	"github.com/gofiber/fiber/v2"
)

func TestUploadedSheetReadsTheFieldOrNamesIt(t *testing.T) {
	t.Parallel()
	app := fiber.New(fiber.Config{BodyLimit: UploadLimit + 1<<20})
	app.Post("/", func(c *fiber.Ctx) error {
		name, data, err := UploadedSheet(c, "file")
		if err != nil {
			e := err.(*errs.Error)
			field := ""
			if len(e.Fields) > 0 {
				field = e.Fields[0].Field + " "
			}
			return c.SendString(fmt.Sprintf("%d %s%s", e.Kind, field, e.Error()))
		}
		return c.SendString(name + ":" + string(data))
	})
	for _, c := range []struct {
		name, field string
		data        []byte
		want        string
	}{
		{"the file", "file", []byte("Mã CTV\nNT-01\n"), "ctv.csv:Mã CTV\nNT-01\n"},
		{"another field", "upload", []byte("x"), fmt.Sprintf("%d file invalid input: file: %s", errs.Invalid, `send the CSV or XLSX file as multipart/form-data field "file"`)},
		{"too large", "file", bytes.Repeat([]byte("a"), UploadLimit+1), fmt.Sprintf("%d the file is larger than 10 MiB", errs.TooLarge)},
	} {
		t.Run(c.name, func(t *testing.T) {
			var body bytes.Buffer
			w := multipart.NewWriter(&body)
			fw, err := w.CreateFormFile(c.field, "ctv.csv")
			if err != nil {
				t.Fatal(err)
			}
			fw.Write(c.data)
			w.Close()
			req := httptest.NewRequest("POST", "/", &body)
			req.Header.Set("Content-Type", w.FormDataContentType())
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			if string(got) != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
