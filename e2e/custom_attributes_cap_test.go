package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// TestCustomAttributesCapped refuses, on resellers, managers and accounts alike, a
// patch that sets more than 100 custom attributes, and one that would leave more than
// 100 stored, so no run of requests grows an object without end; what is stored stays
// as it was, and removing keys makes room again.
func TestCustomAttributesCapped(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		r := mustCreateReseller(t, s.Admin, 1, "Capped Attributes")
		a := acMustCreate(t, s.Admin, 1, acPerson("Cora", "Capped"))
		m := mustCreateManager(t, s.Admin, 1, "sales")
		attrs := func(member string) string { return `{"data":{"attributes":{` + member + `}}}` }
		targets := []struct {
			name, path string
			body       func(custom string) string
			stored     func(t *testing.T) map[string]string
		}{
			{"reseller", rsPath("resellers", strconv.FormatInt(r.ID, 10)),
				func(custom string) string { return attrs(`"custom_attributes":` + custom) },
				func(t *testing.T) map[string]string { return rsGet(t, s.Admin, r.ID).CustomAttributes }},
			{"manager", rsPath("resellers", "1", "managers", strconv.FormatInt(m.ID, 10)),
				func(custom string) string { return attrs(`"custom_attributes":` + custom) },
				func(t *testing.T) map[string]string {
					got, err := s.Admin.GetManager(ctx, 1, m.ID)
					if err != nil {
						t.Fatalf("get manager %d: %v", m.ID, err)
					}
					return got.CustomAttributes
				}},
			{"account", rsPath("resellers", "1", "accounts", strconv.FormatInt(a.ID, 10)),
				func(custom string) string {
					return attrs(`"account_type_id":` + strconv.FormatInt(acPersonal, 10) + `,"custom_attributes":` + custom)
				},
				func(t *testing.T) map[string]string {
					got, err := s.Admin.GetAccount(ctx, 1, a.ID)
					if err != nil {
						t.Fatalf("get account %d: %v", a.ID, err)
					}
					return got.CustomAttributes
				}},
		}
		for _, tg := range targets {
			t.Run(tg.name, func(t *testing.T) {
				patch := func(custom string) *client.Response {
					t.Helper()
					return rsDo(t, s.Admin, "PATCH", tg.path, tg.body(custom), client.MediaType)
				}
				refused := func(custom string) {
					t.Helper()
					before := tg.stored(t)
					resp := rsDo(t, s.Admin, "PATCH", tg.path, tg.body(custom), client.MediaType)
					o := rsOnly(t, rsErrorDoc(t, resp, http.StatusUnprocessableEntity), "too_many_attributes")
					if o.Source == nil || o.Source.Pointer != "/data/attributes/custom_attributes" {
						t.Fatalf("source=%+v, want the custom_attributes pointer", o.Source)
					}
					if after := tg.stored(t); len(after) != len(before) {
						t.Fatalf("refused patch changed the attributes: %d before, %d after", len(before), len(after))
					}
				}
				refused(keys("k", 0, 101, `"v"`))
				if resp := patch(keys("k", 0, 60, `"v"`)); resp.StatusCode != http.StatusOK {
					t.Fatalf("60 attributes: status=%d, want 200", resp.StatusCode)
				}
				refused(keys("more", 0, 41, `"v"`))
				// Removing 10 keys makes room for 50 more: 100 in all.
				both := strings.TrimSuffix(keys("k", 0, 10, "null"), "}") + "," +
					strings.TrimPrefix(keys("more", 0, 50, `"v"`), "{")
				if resp := patch(both); resp.StatusCode != http.StatusOK {
					t.Fatalf("remove 10 and add 50: status=%d, want 200", resp.StatusCode)
				}
				if got := len(tg.stored(t)); got != 100 {
					t.Fatalf("stored %d attributes, want 100", got)
				}
			})
		}
	})
}

// keys is a custom_attributes object of the keys prefix<from> ... prefix<to-1>, each
// with the JSON value value.
func keys(prefix string, from, to int, value string) string {
	parts := make([]string, 0, to-from)
	for i := from; i < to; i++ {
		parts = append(parts, fmt.Sprintf("%q:%s", prefix+strconv.Itoa(i), value))
	}
	return "{" + strings.Join(parts, ",") + "}"
}
