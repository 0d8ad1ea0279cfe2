package dashboard

import "cmp"

// The quota tables: their head and a row per quota, with its meter and
// trend line.

// head is a quota table's head; where adds the column naming the
// instance or Region, for tables that mix them.
func head(where bool) markup {
	col := markup("")
	if where {
		col = `<th scope="col">Where</th>`
	}
	return sprintf(`<thead><tr><th scope="col">Status</th><th scope="col">Quota</th>%s<th scope="col" class="n">Usage</th><th scope="col" class="n">Limit</th><th scope="col">Utilization</th><th scope="col">Trend</th><th scope="col">Limit from</th><th scope="col">Increase</th></tr></thead>`, col)
}

// row is a quota's row; where adds the column naming its instance or
// Region, and leaves the row's id to its own instance's table.
func (p *printer) row(r Row, where bool) {
	p.printf(`<tr data-status="%s"`, r.Status)
	if r.Idle {
		p.printf(" data-idle")
	}
	if !where {
		p.printf(` id="%s"`, r.Anchor)
	}
	p.printf(`>
<td>%s</td>
<td class="q"><span class="name">%s</span>`, badge(r.Status), r.Name)
	if r.Code != "" || r.Parent != "" {
		p.printf(`<span class="sub">`)
		if r.Code != "" {
			p.printf("<code>%s</code>", r.Code)
		}
		if r.Code != "" && r.Parent != "" {
			p.printf(" · ")
		}
		if r.Parent != "" {
			p.printf("highest: <b>%s</b>", r.Parent)
		}
		p.printf("</span>")
	}
	if r.Singleton {
		p.printf(`<span class="note">by design: limit 1, and its one item fills it</span>`)
	}
	if r.Own != "" {
		p.printf(`<span class="note">%s</span>`, r.Own)
	}
	if r.Status == rowUnknown {
		head, _ := splitReason(r.Reason)
		p.printf(`<span class="why" title="%s">%s</span>`, r.Reason, head)
	} else if r.Reason != "" {
		p.printf(`<span class="why">%s</span>`, r.Reason)
	}
	if r.Note != "" {
		p.printf(`<span class="note" title="%s">%s</span>`, r.Note, r.Note)
	}
	p.printf("</td>\n")
	if where {
		p.printf(`<td class="w"><a href="#%s">%s</a></td>`, fragment(r.Anchor), r.Where)
	}
	p.printf(`
<td class="n">%s</td><td class="n">%s</td>
<td class="m">`, r.Usage, r.Limit)
	if r.Status == rowUnknown {
		p.printf(`<span class="na">unknown</span>`)
	} else {
		over := markup("")
		if r.Over {
			over = " over"
		}
		p.printf(`<span class="pct">%s</span><span class="bar%s" role="img" aria-label="%s of the limit"><span class="fill" style="width:%s%%"></span>`,
			r.Util, over, r.Util, cssNumber(r.Width))
		if r.Mark != 0 {
			p.printf(`<span class="mark" style="left:%s%%"></span>`, cssNumber(r.Mark))
		}
		p.printf("</span>")
		if r.FullIn != "" {
			p.printf(`<span class="forecast" title="%s">%s</span>`, r.FullInTitle, r.FullIn)
		}
	}
	p.printf("</td>\n<td class=\"t\">")
	if s := r.Trend; s != nil {
		p.sparkline(s)
	} else {
		p.printf(`<span class="na">–</span>`)
	}
	p.printf(`</td>
<td><span title="%s">%s</span></td>
<td>`, r.LimitFromTitle, cmp.Or(r.LimitFrom, "–"))
	switch {
	case r.IncreaseURL != "" && !r.Pending:
		p.printf(`<a class="inc" href="%s" target="_blank" rel="noopener noreferrer">Request increase</a>`, url(r.IncreaseURL))
	case r.Request == "" && r.Code != "":
		p.printf(`<span class="na">not adjustable</span>`)
	case r.Request == "":
		p.printf(`<span class="na">no code</span>`)
	}
	if r.Request != "" {
		p.printf(`<span class="req">%s</span>`, r.Request)
	}
	p.printf("</td>\n</tr>")
}

func (p *printer) sparkline(s *sparkline) {
	p.printf(`<svg class="spark" viewBox="0 0 96 24" width="96" height="24" role="img" aria-label="trend: %s"><title>%s</title>`, s.Title, s.Title)
	if s.ThresholdY != "" {
		p.printf(`<line x1="0" x2="96" y1="%s" y2="%s" class="th"/>`, s.ThresholdY, s.ThresholdY)
	}
	for _, l := range s.Lines {
		p.printf(`<polyline points="%s"/>`, l)
	}
	for _, d := range s.Dots {
		p.printf(`<circle r="1.5" cx="%s" cy="%s"/>`, d.X, d.Y)
	}
	p.printf(`<circle r="2.4" cx="%s" cy="%s" class="last"/></svg>`, s.LastX, s.LastY)
}
