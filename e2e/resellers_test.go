package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

// TestResellerCreate creates a downstream reseller with every section and reads it
// back through both single-reseller endpoints and the list.
func TestResellerCreate(t *testing.T) {
	t0 := time.Date(2024, 3, 1, 10, 0, 0, 123456000, time.UTC)
	rsEachEngineAt(t, "UTC", t0, func(t *testing.T, s *server, clock *domain.TestClock) {
		ctx := context.Background()
		up := mustCreateManager(t, s.Admin, domain.OperatorID, "sales")
		clock.Advance(time.Hour)
		created := clock.Now().Truncate(time.Millisecond)

		in := client.ResellerInput{
			General: &client.ResellerGeneralInput{Name: client.String("  Acme Cloud "),
				Domain: client.String(" Acme.Example.COM "), Currency: client.String("eur"), ManagerID: client.Int(up.ID)},
			Company: &client.ResellerCompanyInput{Name: client.String("Acme Ltd"),
				AddressLine1: client.String("1 Main st"), AddressLine2: client.String("Floor 2"),
				City: client.String("Berlin"), State: client.String("BE"), Zip: client.String("10115"),
				Country: client.String("de"), Phone: client.String("+4930123456"), Fax: client.String("004930123457"),
				Email: client.String("Billing@Acme.Example.com")},
			Contacts: &client.ResellerContactsInput{FirstName: client.String("John"), LastName: client.String("Smith"),
				MiddleName: client.String("Q"), Position: client.String("CEO"), Phone: client.String("+4930123458"),
				Email: client.String("john@acme.example.com")},
			CustomAttributes: map[string]*string{"reseller_mpn_id": client.String("123456")},
		}
		var status int
		r, err := s.Admin.CreateChildReseller(ctx, domain.OperatorID, in,
			client.OnResponse(func(h *http.Response) { status = h.StatusCode }))
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		if status != http.StatusCreated {
			t.Fatalf("status=%d, want %d", status, http.StatusCreated)
		}

		if r.ID <= domain.OperatorID {
			t.Fatalf("id=%d, want a new id", r.ID)
		}
		if r.ParentID == nil || *r.ParentID != domain.OperatorID {
			t.Fatalf("parent_id=%v, want %d", r.ParentID, domain.OperatorID)
		}
		wantGeneral := client.ResellerGeneral{Name: "Acme Cloud", Domain: "acme.example.com", Manager: up.Name,
			Currency: "EUR"}
		if got := rsNoTimes(r.General); got != wantGeneral {
			t.Fatalf("general=%+v, want %+v", got, wantGeneral)
		}
		wantCompany := client.ResellerCompany{Name: "Acme Ltd", AddressLine1: "1 Main st", AddressLine2: "Floor 2",
			City: "Berlin", State: "BE", Zip: "10115", Country: "DE", Phone: "+4930123456", Fax: "004930123457",
			Email: "billing@acme.example.com"}
		if got := rsNoTimes(r.Company); got != wantCompany {
			t.Fatalf("company=%+v, want %+v", got, wantCompany)
		}
		wantContacts := client.ResellerContacts{FirstName: "John", LastName: "Smith", MiddleName: "Q",
			Position: "CEO", Phone: "+4930123458", Email: "john@acme.example.com"}
		if got := rsNoTimes(r.Contacts); got != wantContacts {
			t.Fatalf("contacts=%+v, want %+v", got, wantContacts)
		}
		if want := map[string]string{"reseller_mpn_id": "123456"}; !reflect.DeepEqual(r.CustomAttributes, want) {
			t.Fatalf("custom_attributes=%v, want %v", r.CustomAttributes, want)
		}
		m := r.Manager
		if m == nil {
			t.Fatal("manager=null, want the attached upstream manager")
		}
		if m.ID != up.ID || m.ResellerID != domain.OperatorID || m.Name != up.Name || m.Email != up.Email ||
			m.Role != "sales" || m.Status != "active" {
			t.Fatalf("manager=%+v, want manager %d (%s) of the operator", m, up.ID, up.Name)
		}
		for name, got := range map[string]time.Time{"created_at": r.CreatedAt, "updated_at": r.UpdatedAt,
			"general.created_at": r.General.CreatedAt, "general.updated_at": r.General.UpdatedAt,
			"company.created_at": r.Company.CreatedAt, "company.updated_at": r.Company.UpdatedAt,
			"contacts.created_at": r.Contacts.CreatedAt, "contacts.updated_at": r.Contacts.UpdatedAt} {
			if !got.Equal(created) {
				t.Errorf("%s=%v, want %v", name, got, created)
			}
		}

		// Both single-reseller endpoints answer the same document, and the list
		// carries the same attributes.
		path := "/api/v3/resellers/" + strconv.FormatInt(r.ID, 10)
		one := rsDo(t, s.Admin, "GET", path, "", "")
		store := rsDo(t, s.Admin, "GET", "/api/v3/customer_store/resellers/"+strconv.FormatInt(r.ID, 10), "", "")
		if one.StatusCode != http.StatusOK || store.StatusCode != http.StatusOK {
			t.Fatalf("status=%d and %d, want 200", one.StatusCode, store.StatusCode)
		}
		if string(one.Body) != string(store.Body) {
			t.Fatalf("customer_store answer differs:\n%s\n%s", store.Body, one.Body)
		}
		if ct := one.Header.Get("Content-Type"); ct != client.MediaType {
			t.Fatalf("Content-Type=%q, want %q", ct, client.MediaType)
		}
		var doc struct {
			Data struct {
				ID         any            `json:"id"`
				Type       string         `json:"type"`
				Attributes map[string]any `json:"attributes"`
			} `json:"data"`
		}
		if err := json.Unmarshal(one.Body, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Data.ID != strconv.FormatInt(r.ID, 10) || doc.Data.Type != "resellers" {
			t.Fatalf("id=%#v type=%q, want id %q (a string) and type resellers", doc.Data.ID, doc.Data.Type, strconv.FormatInt(r.ID, 10))
		}
		if pid, ok := doc.Data.Attributes["parent_id"].(float64); !ok || pid != float64(domain.OperatorID) {
			t.Fatalf("parent_id=%#v, want the integer %d", doc.Data.Attributes["parent_id"], domain.OperatorID)
		}
		if got, want := doc.Data.Attributes["created_at"], "2024-03-01T11:00:00.123+00:00"; got != want {
			t.Fatalf("created_at=%v, want %q", got, want)
		}
		rsCheckTimeFormats(t, "attributes", doc.Data.Attributes)

		page, err := s.Admin.ListChildResellers(ctx, domain.OperatorID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 1 || !reflect.DeepEqual(page.Items[0], *r) {
			t.Fatalf("list items=%+v, want exactly %+v", page.Items, *r)
		}
	})
}

// rsCheckTimeFormats asserts that every *_at member below v is in the documented format.
func rsCheckTimeFormats(t *testing.T, at string, v any) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if strings.HasSuffix(k, "_at") {
				if s, _ := x.(string); !rsTimeFormat.MatchString(s) {
					t.Errorf("%s.%s=%#v, want a time like 2006-01-02T15:04:05.000-07:00", at, k, x)
				}
				continue
			}
			rsCheckTimeFormats(t, at+"."+k, x)
		}
	case []any:
		for i, x := range v {
			rsCheckTimeFormats(t, at+"["+strconv.Itoa(i)+"]", x)
		}
	}
}

// rsNoTimes returns a section with its timestamps zeroed, for comparing the rest.
func rsNoTimes[T client.ResellerGeneral | client.ResellerCompany | client.ResellerContacts](v T) T {
	switch x := any(&v).(type) {
	case *client.ResellerGeneral:
		x.CreatedAt, x.UpdatedAt = time.Time{}, time.Time{}
	case *client.ResellerCompany:
		x.CreatedAt, x.UpdatedAt = time.Time{}, time.Time{}
	case *client.ResellerContacts:
		x.CreatedAt, x.UpdatedAt = time.Time{}, time.Time{}
	}
	return v
}

// TestResellerOperatorModel reads the root reseller: no parent, no upstream manager.
func TestResellerOperatorModel(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		resp := rsDo(t, s.Admin, "GET", "/api/v3/resellers/1", "", "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status=%d, want 200", resp.StatusCode)
		}
		var doc struct {
			Data struct {
				Attributes map[string]json.RawMessage `json:"attributes"`
			} `json:"data"`
		}
		if err := json.Unmarshal(resp.Body, &doc); err != nil {
			t.Fatal(err)
		}
		a := doc.Data.Attributes
		for name, want := range map[string]string{"parent_id": "null", "manager": "null", "custom_attributes": "{}"} {
			if got := string(a[name]); got != want {
				t.Errorf("%s=%s, want %s", name, got, want)
			}
		}
		r := rsGet(t, s.Admin, domain.OperatorID)
		if r.General.Manager != "" || r.General.Currency != "USD" || r.General.Domain != "operator.cascade.localhost" {
			t.Fatalf("general=%+v, want no manager, USD, operator.cascade.localhost", r.General)
		}
	})
}

// TestResellerUpdateSections patches one section at a time: only the changed
// section's updated_at moves, and the reseller's updated_at moves with any change.
func TestResellerUpdateSections(t *testing.T) {
	rsEachEngineAt(t, "UTC", time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC), func(t *testing.T, s *server, clock *domain.TestClock) {
		in := rsInput("Sections", "sections.example.com", "EUR")
		in.Company = &client.ResellerCompanyInput{City: client.String("Berlin")}
		in.Contacts = &client.ResellerContactsInput{FirstName: client.String("Ann")}
		r := rsCreate(t, s.Admin, domain.OperatorID, in)
		created := clock.Now()

		type stamps struct{ top, general, company, contacts time.Time }
		last := stamps{created, created, created, created}
		steps := []struct {
			name                       string
			in                         client.ResellerInput
			general, company, contacts bool
			top                        bool
		}{
			{name: "company", in: client.ResellerInput{Company: &client.ResellerCompanyInput{City: client.String("Hamburg")}},
				company: true, top: true},
			{name: "contacts", in: client.ResellerInput{Contacts: &client.ResellerContactsInput{Position: client.String("CTO")}},
				contacts: true, top: true},
			{name: "general", in: client.ResellerInput{General: &client.ResellerGeneralInput{Name: client.String("Sections Renamed")}},
				general: true, top: true},
			{name: "custom attributes", in: client.ResellerInput{CustomAttributes: map[string]*string{"k": client.String("v")}},
				top: true},
			{name: "same value", in: client.ResellerInput{Company: &client.ResellerCompanyInput{City: client.String("Hamburg")}}},
			{name: "nothing", in: client.ResellerInput{}},
			{name: "company and contacts", in: client.ResellerInput{
				Company:  &client.ResellerCompanyInput{Zip: client.String("20095")},
				Contacts: &client.ResellerContactsInput{LastName: client.String("Lee")}},
				company: true, contacts: true, top: true},
		}
		for _, st := range steps {
			clock.Advance(time.Minute)
			now := clock.Now()
			got := rsUpdate(t, s.Admin, r.ID, st.in)
			want := last
			if st.top {
				want.top = now
			}
			if st.general {
				want.general = now
			}
			if st.company {
				want.company = now
			}
			if st.contacts {
				want.contacts = now
			}
			for _, c := range []struct {
				name      string
				got, want time.Time
			}{{"updated_at", got.UpdatedAt, want.top}, {"general.updated_at", got.General.UpdatedAt, want.general},
				{"company.updated_at", got.Company.UpdatedAt, want.company},
				{"contacts.updated_at", got.Contacts.UpdatedAt, want.contacts},
				{"created_at", got.CreatedAt, created}, {"general.created_at", got.General.CreatedAt, created}} {
				if !c.got.Equal(c.want) {
					t.Errorf("%s: %s=%v, want %v", st.name, c.name, c.got, c.want)
				}
			}
			if read := rsGet(t, s.Admin, r.ID); !reflect.DeepEqual(read, got) {
				t.Fatalf("%s: GET after PATCH=%+v, want the PATCH answer %+v", st.name, read, got)
			}
			last = want
		}
		final := rsGet(t, s.Admin, r.ID)
		if final.General.Name != "Sections Renamed" || final.Company.City != "Hamburg" || final.Company.Zip != "20095" ||
			final.Contacts.FirstName != "Ann" || final.Contacts.LastName != "Lee" || final.Contacts.Position != "CTO" {
			t.Fatalf("reseller=%+v, want every patched field and the untouched ones kept", final)
		}
	})
}

// TestResellerCustomAttributes merges custom attributes key by key; null removes one.
func TestResellerCustomAttributes(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		in := rsInput("Attrs", "attrs.example.com", "EUR")
		in.CustomAttributes = map[string]*string{"a": client.String("1"), "b": client.String("2")}
		r := rsCreate(t, s.Admin, domain.OperatorID, in)

		steps := []struct {
			name string
			in   map[string]*string
			want map[string]string
		}{
			{"merge", map[string]*string{"b": client.String("3"), "c": client.String("4")},
				map[string]string{"a": "1", "b": "3", "c": "4"}},
			{"null removes", map[string]*string{"a": nil}, map[string]string{"b": "3", "c": "4"}},
			{"null of a missing key", map[string]*string{"zzz": nil}, map[string]string{"b": "3", "c": "4"}},
			{"empty string kept", map[string]*string{"e": client.String("")}, map[string]string{"b": "3", "c": "4", "e": ""}},
		}
		for _, st := range steps {
			got := rsUpdate(t, s.Admin, r.ID, client.ResellerInput{CustomAttributes: st.in})
			if !reflect.DeepEqual(got.CustomAttributes, st.want) {
				t.Fatalf("%s: custom_attributes=%v, want %v", st.name, got.CustomAttributes, st.want)
			}
		}

		// The documented list shape works as well.
		body := `{"data":{"attributes":{"custom_attributes":{"data":[{"key":"d","value":"5"},{"key":"b","value":null}]}}}}`
		resp := rsDo(t, s.Admin, "PATCH", "/api/v3/resellers/"+strconv.FormatInt(r.ID, 10), body, client.MediaType)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status=%d, want 200: %s", resp.StatusCode, resp.Body)
		}
		if got, want := rsGet(t, s.Admin, r.ID).CustomAttributes, map[string]string{"c": "4", "d": "5", "e": ""}; !reflect.DeepEqual(got, want) {
			t.Fatalf("custom_attributes=%v, want %v", got, want)
		}

		_, err := s.Admin.UpdateReseller(context.Background(), r.ID, client.ResellerInput{
			CustomAttributes: map[string]*string{"bad-key": client.String("x"), "long": client.String(strings.Repeat("x", 1025))}})
		e := apiError(t, err, http.StatusUnprocessableEntity)
		if got := rsCodeAt(e, "/data/attributes/custom_attributes/bad-key"); got != "invalid_attribute_key" {
			t.Errorf("bad-key: code=%q, want invalid_attribute_key (%v)", got, e)
		}
		if got := rsCodeAt(e, "/data/attributes/custom_attributes/long"); got != "too_long" {
			t.Errorf("long: code=%q, want too_long (%v)", got, e)
		}
	})
}

// TestResellerCurrencyFixed refuses to change the currency of a reseller.
func TestResellerCurrencyFixed(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		r := rsCreate(t, s.Admin, domain.OperatorID, rsInput("Money", "money.example.com", "EUR"))
		_, err := s.Admin.UpdateReseller(context.Background(), r.ID, client.ResellerInput{
			General: &client.ResellerGeneralInput{Currency: client.String("USD")}})
		e := apiError(t, err, http.StatusUnprocessableEntity)
		o := rsOnly(t, e, "not_updatable")
		if o.Source == nil || o.Source.Pointer != "/data/attributes/general/currency" {
			t.Fatalf("source=%+v, want pointer /data/attributes/general/currency", o.Source)
		}
		if o.Detail != "currency cannot be changed" {
			t.Fatalf("detail=%q, want %q", o.Detail, "currency cannot be changed")
		}
		if got := rsGet(t, s.Admin, r.ID).General.Currency; got != "EUR" {
			t.Fatalf("currency=%q after a refused change, want EUR", got)
		}
	})
}

// TestResellerDomainTaken keeps domains unique, whatever their case.
func TestResellerDomainTaken(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		x := rsCreate(t, s.Admin, domain.OperatorID, rsInput("X", "taken.example.com", "EUR"))
		y := rsCreate(t, s.Admin, x.ID, rsInput("Y", "free.example.com", "EUR"))

		check := func(t *testing.T, err error) {
			t.Helper()
			e := apiError(t, err, http.StatusUnprocessableEntity)
			o := rsOnly(t, e, "taken")
			if o.Source == nil || o.Source.Pointer != "/data/attributes/general/domain" {
				t.Fatalf("source=%+v, want pointer /data/attributes/general/domain", o.Source)
			}
			if o.Detail != "domain has already been taken" {
				t.Fatalf("detail=%q, want %q", o.Detail, "domain has already been taken")
			}
		}
		t.Run("create", func(t *testing.T) {
			_, err := s.Admin.CreateChildReseller(ctx, y.ID, rsInput("Z", "TAKEN.Example.com", "EUR"))
			check(t, err)
		})
		t.Run("create with the operator's domain", func(t *testing.T) {
			_, err := s.Admin.CreateChildReseller(ctx, x.ID, rsInput("Z", "operator.cascade.localhost", "EUR"))
			check(t, err)
		})
		t.Run("update", func(t *testing.T) {
			_, err := s.Admin.UpdateReseller(ctx, y.ID, client.ResellerInput{
				General: &client.ResellerGeneralInput{Domain: client.String("taken.example.com")}})
			check(t, err)
			if got := rsGet(t, s.Admin, y.ID).General.Domain; got != "free.example.com" {
				t.Fatalf("domain=%q after a refused change, want free.example.com", got)
			}
		})
		t.Run("update to its own domain", func(t *testing.T) {
			got := rsUpdate(t, s.Admin, x.ID, client.ResellerInput{
				General: &client.ResellerGeneralInput{Domain: client.String("Taken.Example.com")}})
			if got.General.Domain != "taken.example.com" {
				t.Fatalf("domain=%q, want taken.example.com", got.General.Domain)
			}
		})
		page, err := s.Admin.ListChildResellers(ctx, domain.OperatorID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if page.TotalCount != 2 {
			t.Fatalf("total_count=%d after refused creates, want 2", page.TotalCount)
		}
	})
}

// TestResellerCreateValidation reports every problem of a create body at once, each
// at its pointer, and creates nothing.
func TestResellerCreateValidation(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		cases := []struct {
			name string
			in   client.ResellerInput
			want map[string]string // pointer -> code
		}{
			{"ErrEmpty", client.ResellerInput{}, map[string]string{
				"/data/attributes/general/name": "blank", "/data/attributes/general/domain": "blank",
				"/data/attributes/general/currency": "blank"}},
			{"ErrBlankName", rsInput("   ", "a.example.com", "EUR"), map[string]string{
				"/data/attributes/general/name": "blank"}},
			{"ErrNameTooLong", rsInput(strings.Repeat("n", 256), "a.example.com", "EUR"), map[string]string{
				"/data/attributes/general/name": "too_long"}},
			{"ErrDomain", rsInput("A", "not a domain", "EUR"), map[string]string{
				"/data/attributes/general/domain": "invalid_domain"}},
			{"ErrSingleLabelDomain", rsInput("A", "localhost", "EUR"), map[string]string{
				"/data/attributes/general/domain": "invalid_domain"}},
			{"ErrCurrency", rsInput("A", "a.example.com", "EURO"), map[string]string{
				"/data/attributes/general/currency": "invalid_currency"}},
			{"ErrSections", client.ResellerInput{
				General: rsInput("A", "a.example.com", "EUR").General,
				Company: &client.ResellerCompanyInput{Country: client.String("Germany"), Phone: client.String("12345"),
					Fax: client.String("+0"), Email: client.String("nope")},
				Contacts: &client.ResellerContactsInput{Email: client.String("a@b"), Phone: client.String("phone")},
			}, map[string]string{
				"/data/attributes/company/country": "invalid_country", "/data/attributes/company/phone": "invalid_phone",
				"/data/attributes/company/fax": "invalid_phone", "/data/attributes/company/email": "invalid_email",
				"/data/attributes/contacts/email": "invalid_email", "/data/attributes/contacts/phone": "invalid_phone"}},
			{"ErrManagerID", client.ResellerInput{General: &client.ResellerGeneralInput{Name: client.String("A"),
				Domain: client.String("a.example.com"), Currency: client.String("EUR"), ManagerID: client.Int(-1)}},
				map[string]string{"/data/attributes/general/manager_id": "invalid_id"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := s.Admin.CreateChildReseller(ctx, domain.OperatorID, c.in)
				e := apiError(t, err, http.StatusUnprocessableEntity)
				if len(e.Errors) != len(c.want) {
					t.Fatalf("got %d errors, want %d: %v", len(e.Errors), len(c.want), e)
				}
				for ptr, code := range c.want {
					if got := rsCodeAt(e, ptr); got != code {
						t.Errorf("%s: code=%q, want %q", ptr, got, code)
					}
				}
			})
		}
		page, err := s.Admin.ListChildResellers(ctx, domain.OperatorID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if page.TotalCount != 0 {
			t.Fatalf("total_count=%d after refused creates, want 0", page.TotalCount)
		}
	})
}
