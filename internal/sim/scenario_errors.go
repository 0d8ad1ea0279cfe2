package sim

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
)

// Scenario errors speak of the JSON a user wrote, never of Go types: a
// wrong value names the field and what it should be, and a bad value is
// quoted as JSON.

// fieldOf is the dotted path of a mistyped field; the whole document when
// it is the scenario itself that has the wrong type.
func fieldOf(te *json.UnmarshalTypeError) string {
	if te.Field == "" {
		return "the scenario"
	}
	return te.Field
}

// valueOf quotes the mistyped value, or names its kind when it is an
// array or object (the decoder stops at its first byte).
func valueOf(b []byte, te *json.UnmarshalTypeError) string {
	if tok := lastToken(b, te.Offset); tok != "" && tok != "[" && tok != "{" {
		return tok
	}
	if te.Value == "array" || te.Value == "object" {
		return "an " + te.Value
	}
	return "a " + te.Value
}

// jsonKind says what JSON value a Go type is read from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "a value of this field's kind"
}

// bad is a validation error: the field's path, its value as JSON, and why.
func bad(path string, value any, why string) error {
	return fmt.Errorf("%s: %s %s", path, asJSON(value), why)
}

func asJSON(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.Len() == 0 {
		return "[]"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
