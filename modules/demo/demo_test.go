package demo_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/demo"
)

// A semantic error in the demo network stops loading before anything is
// written, naming the file, the row and the line of the field.
func TestLoadNamesTheFileAndRowOfABadCollaborator(t *testing.T) {
	t.Parallel()
	b, err := content.FS.ReadFile(demo.File)
	if err != nil {
		t.Fatal(err)
	}
	good, err := demo.Read(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	if ps := demo.Check(good); len(ps) > 0 {
		t.Fatalf("the shipped network has problems: %v", ps)
	}
	lines := strings.Split(string(b), "\n")
	row := -1
	line := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "  - code: ") && strings.Contains(l, "NT-") && row < 0 {
			row = 0
		}
		if row == 0 && strings.Contains(l, "email:") {
			lines[i] = "    email: not-an-email"
			line = i + 1
			break
		}
	}
	if line == 0 {
		t.Fatal("no NT collaborator with an email in the network")
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "demo"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, demo.File), []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	n, err := demo.Read(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	// No services: a network with problems must not reach them.
	_, err = demo.Load(context.Background(), n, demo.Deps{}, "pw")
	want := "content/demo/network.yaml:" + strconv.Itoa(line) + ": collaborators["
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "email: is not a valid email address") {
		t.Fatalf("Load: %v; want a problem at %s… naming email", err, want)
	}
}
