package dashboard

import (
	"cmp"
	"fmt"
)

// The page, top to bottom: one function per block. Every value from the
// report goes through printf's escaping; markup is only the page's own.

func (p *printer) page(v *view) {
	p.printf(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<title>cqmon · Amazon Connect quotas · %s</title>
<style>%s</style>
</head>
<body>
%s
<a class="skip" href="#quotas">Skip to the quotas</a>
<header class="top">
  <div class="wrap top-in">
    <div class="brand"><svg class="logo" viewBox="0 0 24 20" aria-hidden="true"><g fill="none" stroke-width="3"><path d="M3 16A9 9 0 0 1 12 7" stroke="#3ccf7a"/><path d="M12 7a9 9 0 0 1 6.36 2.64" stroke="#ffb020"/><path d="M18.36 9.64A9 9 0 0 1 21 16" stroke="#ff5a5f"/><path d="M12 16l4.2-6.4" stroke="#fff" stroke-width="1.8" stroke-linecap="round"/></g><circle cx="12" cy="16" r="1.9" fill="#fff"/></svg>cqmon <span class="sub">Amazon Connect service quotas</span></div>
    <dl class="meta">
      <div><dt>Account</dt><dd>%s</dd></div>
      <div><dt>Regions</dt><dd>%s</dd></div>
      <div><dt>Measured</dt><dd><time>%s</time></dd></div>
    </dl>
  </div>
</header>

<main class="wrap">
`, v.Account, v.CSS, v.Icons, v.Account, v.Regions, v.Measured)
	p.overview(v)
	p.needsAction(v)
	p.instanceList(v)
	p.toolbar(v)
	p.printf("\n")
	for _, in := range v.Instances {
		p.instance(in)
	}
	p.printf("\n\n")
	if len(v.AccountRegions) > 0 {
		p.accountRegions(v.AccountRegions)
	}
	p.printf("\n\n")
	if len(v.Unknowns) > 0 {
		p.unknowns(v)
	}
	p.printf("\n\n")
	if len(v.Errors) > 0 {
		p.errors(v)
	}
	p.printf(`

<footer class="legend">
  <p><b>Status</b>: %s at or above the threshold %s within %s points under it %s below %s could not be measured.</p>
  <p><b>Limit from</b>: <i>instance</i> = applied to this instance; <i>account</i> = applied account-wide; <i>AWS default</i> = nothing applied; <i>documented</i> = Service Quotas had no value, AWS's documented default is used. The meter's mark is the threshold.</p>
  <p>Made by cqmon from run %s. This page is self-contained: it makes no network request.</p>
</footer>
</main>
<script>%s</script>
</body>
</html>





`, badge(rowViolation), badge(rowNear), v.NearMargin, badge(rowOK), badge(rowUnknown), v.RunID, v.JS)
}

func (p *printer) overview(v *view) {
	threshold := v.Threshold
	if threshold == "" {
		threshold = "the threshold"
	}
	byDesign := ""
	if n := v.Totals.ByDesign; n > 0 {
		// The singletons left out of the violations.
		byDesign = fmt.Sprintf("; +%d by design (a limit of 1 its one item fills)", n)
	}
	p.printf(`<section class="overview" aria-label="Overview">
  <div class="cards">
    %s
    %s
    %s
    <div class="card plain"><div class="num">%s</div><div class="label">Instances</div><div class="hint">%s measured`,
		card(rowViolation, v.Totals.Violations, "Violations", "at or above "+threshold+" of the limit"+byDesign),
		card(rowNear, v.Totals.Near, "Near the threshold", fmt.Sprintf("within %d points under it", v.NearMargin)),
		card(rowUnknown, v.Totals.Unknown, "Unknown", "could not be measured; never read as 0"),
		v.Totals.Instances, v.Totals.Active)
	if n := v.Totals.Inactive; n != 0 {
		p.printf(", %s not active", n)
	}
	p.printf(`</div></div>
    <div class="card plain"><div class="num">%s</div><div class="label">Quotas</div><div class="hint">%s OK, %s near</div></div>
  </div>
  <p class="runline">Run <code>%s</code>`, v.Totals.Quotas, v.Totals.OK, v.Totals.Near, v.RunID)
	if v.Threshold != "" {
		p.printf(" · threshold %s", v.Threshold)
	}
	if v.Lookback != "" {
		p.printf(" · metric peaks over the last %s", v.Lookback)
	}
	p.printf(" · %s</p>\n</section>\n\n", v.TrendNote)
}

// card is one of the overview's figures.
func card(status string, n int, label, hint string) markup {
	hot := markup("")
	if n != 0 {
		hot = " hot"
	}
	return sprintf(`<div class="card c-%s%s">%s<div class="num">%s</div><div class="label">%s</div><div class="hint">%s</div></div>`,
		status, hot, icon(status), n, label, hint)
}

func (p *printer) needsAction(v *view) {
	p.printf(`<section class="panel" id="needs-action" aria-labelledby="h-action">
  <h2 id="h-action">Needs action <span class="count">%s</span></h2>
  `, len(v.NeedsAction))
	if len(v.NeedsAction) > 0 {
		p.printf(`
  <table class="quotas">
    %s
    <tbody>`, head(true))
		for _, r := range v.NeedsAction {
			p.row(r, true)
		}
		p.printf(`</tbody>
  </table>
  `)
	} else {
		p.printf(`<p class="empty">%s No quota is at or above the threshold.</p>`, badge(rowOK))
	}
	p.printf("\n</section>\n\n")
}

func (p *printer) instanceList(v *view) {
	p.printf(`<section class="panel" id="instances" aria-labelledby="h-instances">
  <h2 id="h-instances">Instances <span class="count">%s</span></h2>
  <table class="summary">
    <thead><tr><th scope="col">Status</th><th scope="col">Instance</th><th scope="col">Region</th><th scope="col" class="n">Violations</th><th scope="col" class="n">Near</th><th scope="col" class="n">Unknown</th><th scope="col">Highest utilization</th></tr></thead>
    <tbody>
    `, len(v.Instances))
	for _, in := range v.Instances {
		status := sprintf(`<span class="state">%s</span>`, cmp.Or(in.State, "not recorded"))
		// An instance that is not active has no counts.
		figure := func(n int) any {
			if in.Active {
				return n
			}
			return markup("–")
		}
		if in.Active {
			status = badge(in.Worst)
		}
		p.printf(`<tr>
      <td>%s</td>
      <td><a href="#%s" class="inst">%s</a> <span class="id">%s</span></td>
      <td class="w">%s%s</td>
      <td class="n">%s</td><td class="n">%s</td><td class="n">%s</td>
      <td>`, status, fragment(in.Anchor), in.Alias, in.ID, accountOf(in.Account), in.Region,
			figure(in.Violations), figure(in.Near), figure(in.Unknown))
		switch {
		case in.Top != nil:
			p.printf(`<span class="top-q">%s</span> %s`, in.Top.Util, in.Top.Name)
		case in.Active:
			p.printf("–")
		default:
			p.printf("not measured: only ACTIVE instances are")
		}
		p.printf("</td>\n    </tr>")
	}
	p.printf(`
    </tbody>
  </table>
</section>

`)
}

// accountOf leads a place with its account, in a run of several.
func accountOf(account string) markup {
	if account == "" {
		return ""
	}
	return sprintf("%s · ", account)
}

func (p *printer) toolbar(v *view) {
	p.printf(`<div class="toolbar" role="search" id="quotas">
  <label class="search"><span class="vh">Search quotas</span>
    <svg viewBox="0 0 16 16" aria-hidden="true"><circle cx="7" cy="7" r="4.5" fill="none" stroke="currentColor" stroke-width="1.6"/><path d="m10.4 10.4 3.6 3.6" stroke="currentColor" stroke-width="1.6"/></svg>
    <input id="q" type="search" placeholder="Search quota, code, instance, parent…  ( / )" autocomplete="off" spellcheck="false">
  </label>
  <fieldset class="filter"><legend class="vh">Status</legend>
    <label><input type="radio" name="status" value="all" checked><span>All <b>%s</b></span></label>
    <label><input type="radio" name="status" value="violation"><span>%sViolation <b>%s</b></span></label>
    <label><input type="radio" name="status" value="near"><span>%sNear <b>%s</b></span></label>
    <label><input type="radio" name="status" value="ok"><span>%sOK <b>%s</b></span></label>
    <label><input type="radio" name="status" value="unknown"><span>%sUnknown <b>%s</b></span></label>
  </fieldset>
  <label class="idle"><input type="checkbox" id="idle"> Idle quotas (0%%)</label>
  <output id="shown" aria-live="polite"></output>
</div>
`, v.Totals.Quotas, icon(rowViolation), v.Totals.Violations, icon(rowNear), v.Totals.Near,
		icon(rowOK), v.Totals.OK, icon(rowUnknown), v.Totals.Unknown)
}

func (p *printer) instance(in instanceView) {
	account := markup("")
	if in.Account != "" {
		account = sprintf(" %s", in.Account)
	}
	status := markup("")
	if in.Active {
		status = badge(in.Worst)
	}
	p.printf(`
<section class="panel group" id="%s" data-name="%s %s %s%s" aria-labelledby="h-%s">
  <h2 id="h-%s">%s %s <span class="id">%s</span> <span class="where">%s%s</span>
    `, in.Anchor, in.Alias, in.ID, in.Region, account, in.Anchor, in.Anchor, status, in.Alias, in.ID, accountOf(in.Account), in.Region)
	if in.Active {
		p.printf(`%s</h2>
  
  <table class="quotas">
    %s
    <tbody>`, counts(in.Rows, in.Violations, in.Near, in.Unknown), head(false))
		for _, r := range in.Rows {
			p.row(r, false)
		}
		p.printf(`</tbody>
  </table>
  <p class="idle-note" hidden></p>
  `)
	} else {
		p.printf(`</h2>
  <p class="empty">Not measured: the instance is %s, and only ACTIVE instances are measured.</p>`, cmp.Or(in.State, "in an unrecorded state"))
	}
	p.printf("\n</section>\n")
}

// counts sums up a table's rows.
func counts(rows []Row, violations, near, unknown int) markup {
	s := markup("s")
	if violations == 1 {
		s = ""
	}
	return sprintf(`<span class="counts">%s quotas · %s violation%s · %s near · %s unknown</span>`, len(rows), violations, s, near, unknown)
}

func (p *printer) accountRegions(regions []regionView) {
	p.printf(`
<section class="panel" id="account" aria-labelledby="h-account">
  <h2 id="h-account">Account quotas <span class="sub2">once per account and Region</span></h2>
  `)
	for _, r := range regions {
		p.printf(`
  <div class="group" id="%s" data-name="%s">
    <h3>%s%s %s</h3>
    <table class="quotas">
      %s
      <tbody>`, r.Anchor, r.Name, accountOf(r.Account), r.Region, counts(r.Rows, r.Violations, r.Near, r.Unknown), head(false))
		for _, row := range r.Rows {
			p.row(row, false)
		}
		p.printf(`</tbody>
    </table>
    <p class="idle-note" hidden></p>
  </div>
  `)
	}
	p.printf("\n</section>\n")
}

func (p *printer) unknowns(v *view) {
	p.printf(`
<section class="panel" id="unknowns" aria-labelledby="h-unknowns">
  <h2 id="h-unknowns">%s Unknown, by reason <span class="count">%s</span></h2>
  <p class="lead">These quotas could not be measured. cqmon never reads them as 0%% and never alerts on them.</p>
  <ul class="reasons">
  `, icon(rowUnknown), v.Totals.Unknown)
	for _, g := range v.Unknowns {
		p.printf("<li><details><summary>")
		if g.Kind != "" {
			p.printf(`<span class="kind">%s</span>`, g.Kind)
		}
		p.printf(`<span class="reason">%s</span>`, g.Reason)
		if g.Expected != "" {
			p.printf(` <span class="expected">%s</span>`, g.Expected)
		}
		p.printf(` <span class="spread">%s</span></summary>
    `, g.Spread)
		if g.Detail != "" {
			p.printf(`<p class="detail">%s</p>`, g.Detail)
		}
		p.printf(`
    <ul class="items">`)
		for _, it := range g.Items {
			p.printf("<li>%s</li>", it)
		}
		p.printf("</ul></details></li>\n  ")
	}
	p.printf("\n  </ul>\n</section>\n")
}

func (p *printer) errors(v *view) {
	p.printf(`
<section class="panel" id="errors" aria-labelledby="h-errors">
  <h2 id="h-errors">Run errors <span class="count">%s</span></h2>
  <ul class="errors">`, len(v.Errors))
	for _, e := range v.Errors {
		region := markup("")
		if e.Region != "" {
			region = sprintf("%s ", e.Region)
		}
		p.printf("<li><b>%s%s</b>: %s</li>", region, e.Scope, e.Message)
	}
	p.printf("</ul>\n</section>\n")
}

// icon is a status's icon, from the page's embedded symbols.
func icon(status string) markup {
	return sprintf(`<svg class="ic ic-%s" aria-hidden="true"><use href="#i-%s"/></svg>`, status, fragment(status))
}

// badge is a status's icon and name.
func badge(status string) markup {
	return sprintf(`<span class="st st-%s">%s%s</span>`, status, icon(status), statusText[status])
}
