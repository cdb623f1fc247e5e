package courses_test

import (
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/courses"
)

func TestRenderMarkdownDropsRawHTML(t *testing.T) {
	t.Parallel()
	src := "## Phần 1\n\nChữ **đậm** <script>alert(1)</script> ở giữa.\n\n<script>alert(2)</script>\n\n" +
		"<img src=x onerror=alert(3)>\n\n[bấm](javascript:alert(4))\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n"
	out, err := courses.RenderMarkdown(src)
	if err != nil {
		t.Fatal(err)
	}
	html := string(out)
	for _, bad := range []string{"<script", "alert(2)", "onerror", "javascript:", "style="} {
		if strings.Contains(html, bad) {
			t.Errorf("rendered HTML contains %q:\n%s", bad, html)
		}
	}
	// The tags are left out; the words between them remain as plain text.
	for _, want := range []string{"<h2>Phần 1</h2>", "<strong>đậm</strong>", "<table>", `<td align="right">2</td>`} {
		if !strings.Contains(html, want) {
			t.Errorf("rendered HTML lacks %q:\n%s", want, html)
		}
	}
}
