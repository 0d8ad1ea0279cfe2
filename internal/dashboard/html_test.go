package dashboard

import (
	"bytes"
	"html/template"
	"math"
	"testing"
)

// The page's escaping is html/template's, byte for byte, in each context
// the page puts a value in. (The tests may use html/template; the
// program may not, see the package doc.)
var contexts = []struct {
	name     string
	template string
	format   markup
	arg      func(string) any
}{
	{"text", `<p>{{.}}</p>`, `<p>%s</p>`, func(s string) any { return s }},
	{"title", `<title>{{.}}</title>`, `<title>%s</title>`, func(s string) any { return s }},
	{"attribute", `<p title="{{.}}" data-name="{{.}}">`, `<p title="%s" data-name="%s">`, nil},
	{"svg attribute", `<svg><polyline points="{{.}}"/></svg>`, `<svg><polyline points="%s"/></svg>`, func(s string) any { return s }},
	{"url", `<a href="{{.}}">`, `<a href="%s">`, func(s string) any { return url(s) }},
	{"fragment", `<a href="#{{.}}">`, `<a href="#%s">`, func(s string) any { return fragment(s) }},
}

func FuzzEscapersMatchHTMLTemplate(f *testing.F) {
	for _, s := range []string{
		"", "plain", hostile, `"'&<>+` + "\x00", "\xff\xfe invalid UTF-8 \xc3", "é ü – …",
		"javascript:alert(1)", "JavaScript:x", "data:text/html,<b>", "vbscript:x", "mailto:a@b", "HTTP://x",
		"https://us-east-1.console.aws.amazon.com/servicequotas/home/services/connect/quotas/L-9A46857E",
		"https://h/p?a=1&b=2+3#f", "/relative/path:x", "?q=1:2", "a%41%zz%4", "%", "%%41", "x%4g",
		"!#$&*+,/:;=?@[]'()", "-._~ \t\n\r", "</script><!-- -->", "q-account_us-east-1-l-aa8a3b44",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range contexts {
			want := execute(t, c.template, s)
			var got []byte
			if c.arg == nil {
				got = appendf(nil, c.format, s, s)
			} else {
				got = appendf(nil, c.format, c.arg(s))
			}
			if string(got) != want {
				t.Errorf("%s of %q:\ngot  %q\nwant %q", c.name, s, got, want)
			}
		}
	})
}

func TestNumbersMatchHTMLTemplate(t *testing.T) {
	for _, f := range []float64{0, 1, 86.5, 100, 61.25, 1e-7, 1e21, -3, 1.0 / 3, math.NaN(), math.Inf(1), math.Inf(-1), math.SmallestNonzeroFloat64} {
		want := execute(t, `<span style="width:{{.}}%">`, f)
		if got := appendf(nil, `<span style="width:%s%%">`, cssNumber(f)); string(got) != want {
			t.Errorf("style width %v: got %q, want %q", f, got, want)
		}
	}
	for _, n := range []int{0, 7, -12, math.MaxInt64, math.MinInt64} {
		want := execute(t, `<b>{{.}}</b><p title="{{.}}">`, n)
		if got := appendf(nil, `<b>%s</b><p title="%s">`, n, n); string(got) != want {
			t.Errorf("int %d: got %q, want %q", n, got, want)
		}
	}
}

func execute(t *testing.T, text string, v any) string {
	t.Helper()
	var b bytes.Buffer
	if err := template.Must(template.New("").Parse(text)).Execute(&b, v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestURLFilter(t *testing.T) {
	for in, want := range map[string]string{
		"javascript:alert(1)":     "#ZgotmplZ",
		" javascript:alert(1)":    "#ZgotmplZ",
		"data:text/html,x":        "#ZgotmplZ",
		"https://example.com/a b": "https://example.com/a%20b",
		"#q-x":                    "#q-x",
		"report":                  "report",
	} {
		if got := string(appendf(nil, "%s", url(in))); got != want {
			t.Errorf("url(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatMistakesPanic(t *testing.T) {
	for _, c := range []struct {
		format markup
		args   []any
	}{
		{"%s", nil},
		{"%s", []any{"a", "b"}},
		{"%d", []any{1}},
		{"50%", nil},
		{"%s", []any{1.5}},
		{"%s", []any{[]byte("x")}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("appendf(%q, %v) did not panic", c.format, c.args)
				}
			}()
			appendf(nil, c.format, c.args...)
		}()
	}
}
