package e2e

import (
	"context"
	_ "embed"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core (testdata/axe: version, licence).
//
//go:embed testdata/axe/axe.min.js
var axeSource string

// Violation is one rule axe-core found broken on a page.
type Violation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

func (v Violation) String() string {
	var where []string
	for i, n := range v.Nodes {
		if i == 3 {
			where = append(where, fmt.Sprintf("… %d more", len(v.Nodes)-3))
			break
		}
		where = append(where, fmt.Sprint(n.Target...)+" "+n.HTML)
	}
	return fmt.Sprintf("%s (%s): %s\n\t%s", v.ID, v.Impact, v.Help, strings.Join(where, "\n\t"))
}

// Axe runs axe-core's WCAG 2 A and AA rules (and its best practices) on
// the page the tab shows and returns the violations.
func Axe(t testing.TB, ctx context.Context) []Violation {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof axe !== "undefined" || (function(){`+axeSource+`; return true})()`)); err != nil {
		t.Fatalf("injecting axe-core: %v", err)
	}
	return Run(t, ctx, "run axe-core", chromedp.Evaluate[[]Violation](
		`axe.run(document, {resultTypes: ["violations"], runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}).then(r => r.violations)`,
		chromedp.EvalAwaitPromise))
}

// AssertAccessible fails the test for each serious or critical violation
// axe-core finds on the page the tab shows, and logs the others.
func AssertAccessible(t testing.TB, ctx context.Context) {
	t.Helper()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	vs := Axe(t, ctx)
	t.Logf("%s: %d violations", loc, len(vs))
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("%s: %s", loc, v)
		} else {
			t.Logf("%s (minor): %s", loc, v)
		}
	}
}
