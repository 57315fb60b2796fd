package service

import (
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// TestProvisioningMessageID: a run of the same job again after a crash (a lease
// taken over: same id, same due time, another attempt) sends the same Message-ID;
// an operator's retry, which makes the job due anew, sends a new one.
func TestProvisioningMessageID(t *testing.T) {
	due := time.Date(2026, 3, 14, 9, 26, 53, 123456000, time.UTC)
	first := domain.Job{ID: "5d0c8a8e-3b4f-4f4e-9a55-0c3f6f0e6a11", RunAt: due, Attempts: 1}
	want := "provision.5d0c8a8e-3b4f-4f4e-9a55-0c3f6f0e6a11.1773480413123456"
	if got := provisioningMessageID(first); got != want {
		t.Fatalf("provisioningMessageID = %q, want %q", got, want)
	}
	crashed := first
	crashed.Attempts = 2
	if got := provisioningMessageID(crashed); got != want {
		t.Errorf("after a crash: %q, want %q", got, want)
	}
	retried := first
	retried.RunAt = due.Add(time.Hour)
	if got := provisioningMessageID(retried); got == want {
		t.Errorf("after an operator's retry: %q, want a new one", got)
	}
}
