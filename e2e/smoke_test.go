package e2e

import (
	"context"
	"testing"
)

func TestSmokeGetOperator(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		r, err := s.Admin.GetReseller(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if r.ID != 1 || r.ParentID != nil || r.General.Name != "Cascade Operator" {
			t.Fatalf("operator = %+v", r)
		}
	})
}
