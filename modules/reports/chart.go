package reports

import (
	"fmt"
	"html/template"
	"strings"
)

// Bar is one bar of a chart: its label under it, its value and the text
// written above it (the value as people read it, "75%"). A bar with
// NoData is not drawn: its Text ("–") stands on the axis, and its Note
// (words saying why there is no value) is its tooltip and is read out.
type Bar struct {
	Label  string
	Value  float64
	Text   string
	NoData bool
	Note   string
}

// rateBar is the bar of a rate or a mean: v, written text, or, when there
// is nothing to count it from (nil), no bar but text ("–") with the words
// saying why (note).
func rateBar(label string, v *float64, text, note string) Bar {
	if v == nil {
		return Bar{Label: label, Text: text, NoData: true, Note: note}
	}
	return Bar{Label: label, Value: *v, Text: text}
}

// Chart is a bar chart drawn on the server as SVG: a title and a
// description for screen readers (<title>, <desc>), axis labels, a value
// above each bar so that it reads without the axis, and nothing that needs
// JavaScript. On a screen it is drawn at its own size (its width and
// height attributes: the pages' Content-Security-Policy refuses inline
// styles), so that its 12-unit texts are 12 px on a 360 px phone, where
// it scrolls sideways in its card; printed, CSS fits it to the page. The
// same numbers are in a table beside it. Its texts are
// given when it is drawn (SVG), in the page's language.
type Chart struct {
	ID          string  // unique on the page: the ids of its title and description
	Max         float64 // the value axis' top (the largest value when 0)
	Bars        []Bar
	AxisPercent bool // the value axis is a share: ticks read 0%–100%
}

// chart's geometry, in the viewBox's units.
const (
	chartLeft   = 48  // room for the value axis' ticks and label
	chartTop    = 30  // room for the title
	chartBottom = 52  // room for the bars' labels and the x axis' label
	chartPlot   = 180 // the plot's height
	chartBarW   = 36
	chartGap    = 14
)

func esc(s string) string { return template.HTMLEscapeString(s) }

// SVG draws the chart with its title, description and axis labels.
func (c Chart) SVG(title, desc, xLabel, yLabel string) template.HTML {
	top := c.Max
	for _, b := range c.Bars {
		top = max(top, b.Value)
	}
	if top <= 0 {
		top = 1
	}
	n := max(len(c.Bars), 1)
	width := chartLeft + n*(chartBarW+chartGap) + chartGap
	height := chartTop + chartPlot + chartBottom
	const colour = "#1f5f99"
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="%s" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title %s-desc" preserveAspectRatio="xMinYMin meet" width="%d" height="%d">`,
		esc(c.ID), width, height, esc(c.ID), esc(c.ID), width, height)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, esc(c.ID), esc(title), esc(c.ID), esc(desc))
	fmt.Fprintf(&b, `<text x="4" y="16" font-size="14" font-weight="bold" fill="#1b1f24">%s</text>`, esc(title))
	base := chartTop + chartPlot
	// The value axis: four ticks with their grid lines.
	for i := 0; i <= 4; i++ {
		v := top * float64(i) / 4
		y := base - chartPlot*i/4
		label := fmt.Sprintf("%.0f", v)
		if c.AxisPercent {
			label = fmt.Sprintf("%.0f%%", v*100)
		}
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#d9dee5" stroke-width="1"/>`, chartLeft, y, width-4, y)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="end" fill="#3d4753">%s</text>`, chartLeft-4, y+3, esc(label))
	}
	fmt.Fprintf(&b, `<text x="10" y="%d" font-size="12" fill="#3d4753" transform="rotate(-90 10 %d)" text-anchor="middle">%s</text>`,
		chartTop+chartPlot/2, chartTop+chartPlot/2, esc(yLabel))
	for i, bar := range c.Bars {
		x := chartLeft + chartGap + i*(chartBarW+chartGap)
		if bar.NoData {
			fmt.Fprintf(&b, `<g class="no-data"><title>%s: %s</title><text x="%d" y="%d" font-size="12" text-anchor="middle" fill="#3d4753">%s</text></g>`,
				esc(bar.Label), esc(bar.Note), x+chartBarW/2, base-3, esc(bar.Text))
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="middle" fill="#1b1f24">%s</text>`, x+chartBarW/2, base+14, esc(bar.Label))
			continue
		}
		h := int(float64(chartPlot) * max(bar.Value, 0) / top)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s: %s</title></rect>`,
			x, base-h, chartBarW, h, colour, esc(bar.Label), esc(bar.Text))
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="middle" fill="#1b1f24">%s</text>`, x+chartBarW/2, base-h-3, esc(bar.Text))
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="middle" fill="#1b1f24">%s</text>`, x+chartBarW/2, base+14, esc(bar.Label))
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#3d4753" stroke-width="1"/>`, chartLeft, base, width-4, base)
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="middle" fill="#3d4753">%s</text>`, chartLeft+(width-chartLeft)/2, height-8, esc(xLabel))
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text above is escaped
}
