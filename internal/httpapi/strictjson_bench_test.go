package httpapi

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkDecodeBody compares decoding a request body with encoding/json alone
// ("unmarshal") and through decodeJSON, which reads it strictly first ("strict"):
//
//	go test -run '^$' -bench DecodeBody -benchmem ./internal/httpapi
//
// "reseller" is a typical create body; "attributes" a body near the 1 MiB limit,
// most of it custom attributes.
func BenchmarkDecodeBody(b *testing.B) {
	var big strings.Builder
	big.WriteString(`{"data":{"attributes":{"general":{"name":"Big"},"custom_attributes":{`)
	for i := 0; big.Len() < maxBody-100; i++ {
		if i > 0 {
			big.WriteByte(',')
		}
		big.WriteString(`"attribute_` + strconv.Itoa(i) + `":"a value of some length, ünïcödé and \"escapes\"\n"`)
	}
	big.WriteString(`}}}}`)
	bodies := []struct{ name, body string }{
		{"reseller", `{"data":{"attributes":{"general":{"name":"Example Reseller","domain":"reseller.example.com",` +
			`"currency":"EUR","manager_id":"12"},"company":{"name":"Example GmbH","address_line_1":"Hauptstraße 1",` +
			`"city":"Berlin","zip":"10115","country":"DE","phone":"+49301234567","email":"office@example.com"},` +
			`"contacts":{"first_name":"Anna","last_name":"Schmidt","email":"anna@example.com"},` +
			`"custom_attributes":{"crm_id":"A-1001","tier":"gold"}}}}`},
		{"attributes", big.String()},
	}
	for _, c := range bodies {
		body := []byte(c.body)
		b.Run(c.name+"/unmarshal", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				var dst attributesBody[resellerInput]
				if err := json.Unmarshal(body, &dst); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/strict", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				var dst attributesBody[resellerInput]
				if err := decodeJSON(body, &dst); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
