package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/alexedwards/argon2id"
	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/app"
	"github.com/ctvacademy/academy/modules/platform/storetest"
)

// A mail template that cannot render stops start-up with its file and
// line, instead of the service answering 500 to every invitation.
func TestBrokenMailTemplateStopsStartUp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "mail"), 0o755); err != nil {
		t.Fatal(err)
	}
	line := 0
	for _, lang := range []string{"vi", "en"} {
		b, err := content.FS.ReadFile("mail/" + lang + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if lang == "vi" {
			lines := strings.Split(text, "\n")
			for i, l := range lines {
				if strings.Contains(l, "{{.RSVPURL}}") {
					lines[i] = "    Vui lòng xác nhận tại: {{ .Nope }}"
					line = i + 1
					break
				}
			}
			text = strings.Join(lines, "\n")
		}
		if err := os.WriteFile(filepath.Join(dir, "mail", lang+".yaml"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := storetest.New(t)
	cfg := app.Config{HTTPAddr: "127.0.0.1:0", BaseURL: "http://127.0.0.1:0", DataDir: t.TempDir(), MongoDB: db.Name(), MailFrom: "academy@example.vn"}
	a, err := app.New(context.Background(), cfg, app.Options{DB: db, MailTemplates: os.DirFS(dir),
		Argon2: &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}})
	if err == nil {
		_ = a.Close(context.Background())
		t.Fatal("the service started with a broken mail template")
	}
	want := "content/mail/vi.yaml:" + strconv.Itoa(line) + ": "
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "Nope") {
		t.Errorf("start-up error %q does not name %s…Nope", err, want)
	}
}
