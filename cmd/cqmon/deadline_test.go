package main

import (
	"net"
	"strings"
	"testing"
)

// TestTimeoutEndsARunStuckOnAStore points the DynamoDB store at a server
// that accepts connections and never answers: the run ends at --timeout
// with the report printed and exit status 1.
func TestTimeoutEndsARunStuckOnAStore(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		var held []net.Conn // never answered, closed with the listener's test
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	env := []string{"AWS_ENDPOINT_URL_DYNAMODB=http://" + ln.Addr().String()}
	stdout, stderr, code := cqmon(t, env, "demo", "--output", "json", "--store", "dynamodb:history", "--timeout", "3s")
	if code != exitIncomplete {
		t.Errorf("exit %d, want %d\n%s", code, exitIncomplete, stderr)
	}
	rep := decodeReport(t, stdout)
	if len(rep.Instances) == 0 && len(rep.Errors) == 0 {
		t.Errorf("the report printed at the deadline says nothing: %+v", rep)
	}
	if want := "the run stopped at its --timeout of 3s"; !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
}
