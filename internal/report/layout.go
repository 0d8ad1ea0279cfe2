package report

import (
	"strings"
	"unicode/utf8"
)

// Width is the most columns a line of the summary view takes.
const Width = 120

// column is one column of a laid-out table.
type column struct {
	head  string
	right bool // right-aligned (numbers)
}

// shrink lets column col give up room, down to min columns, when a line
// is too wide.
type shrink struct{ col, min int }

// layout aligns rows under cols, indented, so that no line is wider than
// width: the shrinks apply in order until the widest line fits, and cells
// that no longer fit end with an ellipsis. The last column is not padded.
// It returns the header line, the row lines and the column widths.
func layout(indent string, cols []column, rows [][]string, width int, shrinks ...shrink) (head string, lines []string, w []int) {
	w = make([]int, len(cols))
	for i, c := range cols {
		w[i] = runes(c.head)
		for _, r := range rows {
			w[i] = max(w[i], runes(r[i]))
		}
	}
	total := func() int {
		n := runes(indent) + 2*(len(w)-1)
		for _, x := range w {
			n += x
		}
		return n
	}
	for _, s := range shrinks {
		if over := total() - width; over > 0 && w[s.col] > s.min {
			w[s.col] = max(s.min, w[s.col]-over)
		}
	}
	line := func(cells []string) string {
		var b strings.Builder
		b.WriteString(indent)
		for i, s := range cells {
			s = ellipsis(s, w[i])
			pad := strings.Repeat(" ", w[i]-runes(s))
			switch {
			case cols[i].right:
				b.WriteString(pad + s)
			case i == len(cells)-1:
				b.WriteString(s)
			default:
				b.WriteString(s + pad)
			}
			if i < len(cells)-1 {
				b.WriteString("  ")
			}
		}
		return strings.TrimRight(b.String(), " ")
	}
	heads := make([]string, len(cols))
	for i, c := range cols {
		heads[i] = c.head
	}
	for _, r := range rows {
		lines = append(lines, line(r))
	}
	return line(heads), lines, w
}

// ellipsis shortens s to n columns, ending it with "…".
func ellipsis(s string, n int) string {
	if runes(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n-1]), " ") + "…"
}

// fitLine shortens a whole line to Width columns.
func fitLine(s string) string { return ellipsis(s, Width) }

func runes(s string) int { return utf8.RuneCountInString(s) }
