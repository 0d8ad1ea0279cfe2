package mototest

import (
	"testing"
)

func TestMain(m *testing.M) { Main(m) }

func TestURLAnswers(t *testing.T) {
	u := URL(t)
	if err := waitReady(u, 0); err != nil {
		t.Fatalf("moto at %s: %v", u, err)
	}
}
