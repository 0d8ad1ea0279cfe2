package main

import (
	"bytes"
	"testing"
)

func TestListenAddr(t *testing.T) {
	tests := []struct {
		in, want, wantErr, wantSaid string
	}{
		{in: "", want: "127.0.0.1:4566", wantSaid: "simulate: --listen is empty: listening on loopback, 127.0.0.1:4566\n"},
		{in: "127.0.0.1:0", want: "127.0.0.1:0"},
		{in: "[::1]:4566", want: "[::1]:4566"},
		{in: ":4566", want: ":4566"},
		{in: "notanaddr", wantErr: `listen: "notanaddr" is not host:port (such as 127.0.0.1:4566)`},
		{in: "localhost:http", wantErr: `listen: "localhost:http": port "http" is not a number from 0 to 65535`},
		{in: "localhost:70000", wantErr: `listen: "localhost:70000": port "70000" is not a number from 0 to 65535`},
	}
	for _, tt := range tests {
		var said bytes.Buffer
		got, err := listenAddr(tt.in, &said)
		if tt.wantErr != "" {
			if _, ok := err.(usageError); !ok || err.Error() != tt.wantErr {
				t.Errorf("listenAddr(%q) error = %v, want the usage error %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want || said.String() != tt.wantSaid {
			t.Errorf("listenAddr(%q) = %q, %v, said %q; want %q, said %q", tt.in, got, err, said.String(), tt.want, tt.wantSaid)
		}
	}
}

func TestSimulateBadListenIsUsage(t *testing.T) {
	_, stderr, code := cqmon(t, nil, "simulate", "--listen", "notanaddr")
	if code != exitUsage {
		t.Errorf("exit %d, want %d\n%s", code, exitUsage, stderr)
	}
}
