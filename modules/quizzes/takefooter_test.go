package quizzes_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/ctvacademy/academy/modules/app/apptest"
)

// The line under the questions says the time left without a leading "·"
// when nothing has been saved yet; the saved state has a line of its own.
func TestTakePageFooterHasNoStraySeparator(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	ctv := s.Find(t, "ctv", "TB")
	f := s.Forms(t, s.LoginDemo(t, ctv.Email))
	page := f.Get(startQuiz(t, f, course))
	if page.Status != 200 {
		t.Fatalf("take page: %d", page.Status)
	}
	for _, p := range regexp.MustCompile(`(?s)<p[^>]*>(.*?)</p>`).FindAllStringSubmatch(page.Body, -1) {
		text := strings.TrimSpace(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(p[1], ""))
		if strings.HasPrefix(text, "·") || strings.HasSuffix(text, "·") {
			t.Errorf("a line of the take page begins or ends with a separator: %q", p[0])
		}
	}
	if !strings.Contains(page.Body, `<p class="muted" id="saved" role="status"></p>`) || !strings.Contains(page.Body, "data-countdown") {
		t.Error("the saved state or the time left is missing")
	}
}
