package dashboard

import (
	"fmt"
	"strconv"
	"strings"
)

// markup is HTML the page trusts: its own markup and embedded assets,
// never a value from a report. A string constant converts to it
// silently; a string variable does not, so a report's value cannot end
// up in the page unescaped without a conversion written out.
type markup string

// Arguments of printf that stand in a context other than text or a
// quoted attribute value say so by their type.
type (
	// url is the whole value of an href: only http, https, mailto and
	// relative URLs are kept, and what a URL cannot hold is
	// percent-encoded.
	url string
	// fragment follows the '#' of an href: anything but letters, digits
	// and "-._~" is percent-encoded.
	fragment string
	// cssNumber is a number in a style attribute.
	cssNumber float64
)

// failsafe replaces a value that is unsafe where it stands, as
// html/template's does.
const failsafe = "ZgotmplZ"

// printer writes a page.
type printer struct{ buf []byte }

// printf writes format, in which each %s is replaced by the next
// argument escaped for its type's context and %% stands for '%'; see
// appendf.
func (p *printer) printf(format markup, args ...any) {
	p.buf = appendf(p.buf, format, args...)
}

// sprintf is printf's result as markup, for a block that stands inside
// another.
func sprintf(format markup, args ...any) markup {
	return markup(appendf(nil, format, args...))
}

// appendf appends format to dst with each %s replaced by the next
// argument, escaped for its context exactly as html/template escapes it
// there:
//   - a string: text or a quoted attribute value that is neither a URL,
//     CSS nor script (html/template's htmlEscaper and attrEscaper, which
//     are the same for a string); never in an href, src, style or on*
//     attribute, nor in <script> or <style>, where html/template would
//     have escaped it otherwise;
//   - an int: its decimal digits;
//   - markup: as it is;
//   - url, fragment, cssNumber: see their types.
//
// A verb other than %s and %%, or a count of arguments that does not
// match, is a mistake in the page's code and panics.
func appendf(dst []byte, format markup, args ...any) []byte {
	n := 0
	for {
		i := strings.IndexByte(string(format), '%')
		if i < 0 {
			break
		}
		dst = append(dst, format[:i]...)
		if i+1 == len(format) {
			panic(fmt.Sprintf("dashboard: %q ends in %%", format))
		}
		switch format[i+1] {
		case '%':
			dst = append(dst, '%')
		case 's':
			if n == len(args) {
				panic(fmt.Sprintf("dashboard: too few arguments for %q", format))
			}
			dst = appendArg(dst, args[n])
			n++
		default:
			panic(fmt.Sprintf("dashboard: %%%c in %q", format[i+1], format))
		}
		format = format[i+2:]
	}
	if n != len(args) {
		panic(fmt.Sprintf("dashboard: %d arguments for %d %%s", len(args), n))
	}
	return append(dst, format...)
}

func appendArg(dst []byte, arg any) []byte {
	switch a := arg.(type) {
	case string:
		return appendEscaped(dst, a)
	case int:
		return strconv.AppendInt(dst, int64(a), 10)
	case markup:
		return append(dst, a...)
	case url:
		return appendEscaped(dst, normalizeURL(filterURL(string(a))))
	case fragment:
		return appendEscaped(dst, escapeURL(string(a)))
	case cssNumber:
		// html/template's cssValueFilter keeps every float64 as fmt
		// prints it: digits, '.', 'e', signs, NaN and Inf hold none of
		// the characters it refuses.
		return appendEscaped(dst, fmt.Sprint(float64(a)))
	default:
		panic(fmt.Sprintf("dashboard: no escaper for %T", arg))
	}
}

// escapes are html/template's replacements in text and quoted
// attributes; NUL, which HTML parsers turn into U+FFFD, becomes it.
var escapes = [256]string{
	0: "\uFFFD", '"': "&#34;", '&': "&amp;", '\'': "&#39;", '+': "&#43;", '<': "&lt;", '>': "&gt;",
}

// appendEscaped appends s escaped for text or a quoted attribute value.
// The replaced bytes are all ASCII, never part of a multi-byte UTF-8
// sequence, so s is walked by byte.
func appendEscaped(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		if r := escapes[s[i]]; r != "" {
			dst = append(dst, s[start:i]...)
			dst = append(dst, r...)
			start = i + 1
		}
	}
	return append(dst, s[start:]...)
}

// filterURL replaces a URL whose scheme is not http, https or mailto
// with "#ZgotmplZ", so a javascript: or data: URL never becomes a link.
func filterURL(s string) string {
	if scheme, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(scheme, "/") {
		if !strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") && !strings.EqualFold(scheme, "mailto") {
			return "#" + failsafe
		}
	}
	return s
}

// normalizeURL percent-encodes what a URL cannot hold, keeping its
// reserved characters and valid escapes.
func normalizeURL(s string) string { return processURL(s, true) }

// escapeURL percent-encodes anything but unreserved characters, for a
// part of a URL.
func escapeURL(s string) string { return processURL(s, false) }

// processURL is html/template's urlProcessor: reserved characters (RFC
// 3986 section 2.2, less the single quote and parentheses) are kept when
// normalizing, unreserved ones always, and every other byte is
// percent-encoded, a '%' too unless it starts a valid escape while
// normalizing.
func processURL(s string, norm bool) string {
	var b strings.Builder
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '!', '#', '$', '&', '*', '+', ',', '/', ':', ';', '=', '?', '@', '[', ']':
			if norm {
				continue
			}
		case '-', '.', '_', '~':
			continue
		case '%':
			if norm && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
				continue
			}
		default:
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				continue
			}
		}
		b.WriteString(s[written:i])
		fmt.Fprintf(&b, "%%%02x", c)
		written = i + 1
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
