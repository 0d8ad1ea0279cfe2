package main

import (
	"fmt"
	"io"
	"net"
	"strconv"
)

// defaultListen is where simulate listens: loopback only, since the
// simulator answers anyone, and the port LocalStack's users expect.
const defaultListen = "127.0.0.1:4566"

// listenAddr checks simulate's --listen. An empty value (often a variable
// that expanded to nothing) means the loopback default, said on stderr,
// never every interface.
func listenAddr(v string, stderr io.Writer) (string, error) {
	if v == "" {
		fmt.Fprintf(stderr, "simulate: --listen is empty: listening on loopback, %s\n", defaultListen)
		return defaultListen, nil
	}
	_, port, err := net.SplitHostPort(v)
	if err != nil {
		return "", usagef("listen: %q is not host:port (such as %s)", v, defaultListen)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "", usagef("listen: %q: port %q is not a number from 0 to 65535", v, port)
	}
	return v, nil
}
