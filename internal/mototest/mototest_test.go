package mototest

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

func TestURLAnswers(t *testing.T) {
	u := URL(t)
	if err := waitReady(u, 0); err != nil {
		t.Fatalf("moto at %s: %v", u, err)
	}
}
