package httpapi

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestFormatTime checks that the hand-written formatter gives exactly what
// time.Format gives for the API's layout, across zones, eras and odd offsets.
func TestFormatTime(t *testing.T) {
	var zones []*time.Location
	for _, name := range []string{"UTC", "Europe/Moscow", "America/St_Johns", "Asia/Kolkata",
		"Asia/Kathmandu", "Pacific/Chatham", "America/Sao_Paulo", "Africa/Monrovia", "Europe/Amsterdam"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatalf("load %s: %v", name, err)
		}
		zones = append(zones, loc)
	}
	zones = append(zones, time.FixedZone("odd", -(3*3600+25*60+52)), time.FixedZone("east", 14*3600))
	fixed := []time.Time{
		time.Date(2026, 11, 23, 9, 12, 50, 427_999_999, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(-5, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(0, 0),
		{},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20_000 {
		fixed = append(fixed, time.Unix(rng.Int64N(1<<36)-(1<<35), rng.Int64N(1e9)))
	}
	s := &Server{}
	for _, loc := range zones {
		s.loc = loc
		for _, tm := range fixed {
			if got, want := s.formatTime(tm), tm.In(loc).Format(apiTime); got != want {
				t.Fatalf("formatTime(%v in %s)=%q, want %q", tm, loc, got, want)
			}
		}
	}
}
