package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestCtPerfProbe(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		var b strings.Builder
		b.WriteString("categories:\n  - {key: c, name: C}\nproducts:\n  - {key: p, name: P, category: c, integration: {mode: manual, email: a@b.example}}\nplans:\n")
		for i := 0; i < 1000; i++ {
			fmt.Fprintf(&b, "  - key: plan-%d\n    product: p\n    name: Plan %d\n    billing_type: csp_monthly\n    currency: USD\n    periods:\n", i, i)
			for _, k := range []string{"1m", "1y", "2y"} {
				fmt.Fprintf(&b, "      - {key: %s, duration: 1, unit: months, recurring_fee: \"1.5\"}\n", k)
			}
			b.WriteString("    resources:\n")
			for _, k := range []string{"a", "b", "c"} {
				fmt.Fprintf(&b, "      - {key: %s, name: %s, unit: unit, included: 1, minimum: 1, limit: 5, recurring_fee: \"0.5\"}\n", k, k)
			}
		}
		t0 := time.Now()
		ctApply(t, s.Admin, 1, b.String())
		t.Logf("apply %v url %s", time.Since(t0), s.engine.URL); if s.engine.Name == "postgres" { time.Sleep(40 * time.Second) }
		c := s.client(s.token)
		c = c.WithHTTPClient(&http.Client{})
		for _, q := range []string{"page[size]=50", "page[size]=50&page[number]=10", "page[size]=50&include=plan_category", "page[size]=50&sort=-name"} {
			ctGet(t, c, ctPath("/resellers/1/plans?"+q))
			t0 = time.Now()
			n := 200
			for i := 0; i < n; i++ {
				r := ctGet(t, c, ctPath("/resellers/1/plans?"+q))
				if r.StatusCode != 200 {
					t.Fatal(r.StatusCode)
				}
			}
			t.Logf("%s: %v/request", q, time.Since(t0)/time.Duration(n))
		}
	})
}
