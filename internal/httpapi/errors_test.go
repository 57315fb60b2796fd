package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
)

func TestErrorResponseStatus(t *testing.T) {
	cases := []struct {
		code   domain.ErrorCode
		status int
		title  string
	}{
		{domain.ErrInvalid, 422, "Invalid attribute"},
		{domain.ErrBadRequest, 400, "Bad request"},
		{domain.ErrUnauthorized, 401, "Unauthorized"},
		{domain.ErrForbidden, 403, "Forbidden"},
		{domain.ErrNotFound, 404, "Not found"},
		{domain.ErrMethod, 405, "Method not allowed"},
		{domain.ErrConflict, 409, "Conflict"},
		{domain.ErrTooLarge, 413, "Request entity too large"},
		{domain.ErrMediaType, 415, "Unsupported media type"},
		{domain.ErrInternal, 500, "Internal server error"},
		{domain.ErrUnavailable, 503, "Service unavailable"},
		{domain.ErrUnsupported, 501, "Not implemented"},
		{domain.ErrorCode("no_such_code"), 500, "Internal server error"},
	}
	for _, c := range cases {
		t.Run(string(c.code), func(t *testing.T) {
			status, doc := errorResponse(domain.Errorf(c.code, domain.MsgForbidden), domain.LocaleEN)
			if status != c.status {
				t.Fatalf("status=%d, want %d", status, c.status)
			}
			if len(doc.Errors) != 1 {
				t.Fatalf("got %d errors, want 1", len(doc.Errors))
			}
			o := doc.Errors[0]
			if o.Status != fmt.Sprint(c.status) || o.Title != c.title {
				t.Fatalf("status=%q title=%q, want %q %q", o.Status, o.Title, fmt.Sprint(c.status), c.title)
			}
			wantDetail := "This action is forbidden"
			if c.status == 500 {
				wantDetail = "Internal server error"
			}
			if o.Detail != wantDetail {
				t.Fatalf("detail=%q, want %q", o.Detail, wantDetail)
			}
		})
	}
	// Every code of the table is in the cases above, so a new code needs a test.
	for code := range statusOf {
		found := false
		for _, c := range cases {
			found = found || c.code == code
		}
		if !found {
			t.Errorf("code %q has no case", code)
		}
	}
}

func TestErrorResponseEntries(t *testing.T) {
	cases := []struct {
		name   string
		err    error
		locale domain.Locale
		status int
		want   errorObject
	}{
		{"Pointer", domain.FieldError("/data/attributes/general/name", domain.MsgBlank), domain.LocaleEN, 422,
			errorObject{Status: "422", Code: "blank", Title: "Invalid attribute", Detail: "name can't be blank",
				Source: &errorSource{Pointer: "/data/attributes/general/name"}}},
		{"PointerWithArgs", domain.FieldError("/data/attributes/email", domain.MsgTooLong, 255), domain.LocaleEN, 422,
			errorObject{Status: "422", Code: "too_long", Title: "Invalid attribute",
				Detail: "email is too long (at most 255 characters)", Source: &errorSource{Pointer: "/data/attributes/email"}}},
		{"PointerToData", domain.FieldError("/data", domain.MsgRequired), domain.LocaleEN, 422,
			errorObject{Status: "422", Code: "required", Title: "Invalid attribute", Detail: "data is required",
				Source: &errorSource{Pointer: "/data"}}},
		{"Parameter", domain.ParamError("page[size]", domain.MsgPageSize, 1000), domain.LocaleEN, 400,
			errorObject{Status: "400", Code: "invalid_page_size", Title: "Bad request",
				Detail: "page[size] must be an integer from 1 to 1000", Source: &errorSource{Parameter: "page[size]"}}},
		{"Header", &domain.Error{Code: domain.ErrInvalid, Message: domain.MsgIdempotencyKeyFormat, Header: "Idempotency-Key"},
			domain.LocaleEN, 422,
			errorObject{Status: "422", Code: "invalid_idempotency_key", Title: "Invalid attribute",
				Detail: "Idempotency-Key must be 1 to 255 printable ASCII characters", Source: &errorSource{Header: "Idempotency-Key"}}},
		{"SentenceNotPrefixed", &domain.Error{Code: domain.ErrInvalid, Message: domain.MsgIdempotencyMismatch, Header: "Idempotency-Key"},
			domain.LocaleEN, 422,
			errorObject{Status: "422", Code: "idempotency_key_reused", Title: "Invalid attribute",
				Detail: "This Idempotency-Key was already used with a different request", Source: &errorSource{Header: "Idempotency-Key"}}},
		{"NoSource", domain.NotFound(domain.MsgResellerNotFound), domain.LocaleEN, 404,
			errorObject{Status: "404", Code: "reseller_not_found", Title: "Not found", Detail: "Reseller not found"}},
		{"ReasonWins", &domain.Error{Code: domain.ErrInvalid, Message: domain.MsgTaken, Reason: "DOMAIN-0001",
			Pointer: "/data/attributes/general/domain"}, domain.LocaleEN, 422,
			errorObject{Status: "422", Code: "DOMAIN-0001", Title: "Invalid attribute", Detail: "domain has already been taken",
				Source: &errorSource{Pointer: "/data/attributes/general/domain"}}},
		{"Wrapped", fmt.Errorf("update reseller 5: %w", domain.Forbidden()), domain.LocaleEN, 403,
			errorObject{Status: "403", Code: "forbidden", Title: "Forbidden", Detail: "This action is forbidden"}},
		{"RussianPointer", domain.FieldError("/data/attributes/general/name", domain.MsgMustBeString), domain.LocaleRU, 422,
			errorObject{Status: "422", Code: "must_be_string", Title: "Неверное значение", Detail: "name должно быть строкой",
				Source: &errorSource{Pointer: "/data/attributes/general/name"}}},
		{"RussianParameter", domain.ParamError("page[size]", domain.MsgPageSize, 1000), domain.LocaleRU, 400,
			errorObject{Status: "400", Code: "invalid_page_size", Title: "Неверный запрос",
				Detail: "page[size] должно быть целым числом от 1 до 1000", Source: &errorSource{Parameter: "page[size]"}}},
		{"RussianSentence", domain.Forbidden(), domain.LocaleRU, 403,
			errorObject{Status: "403", Code: "forbidden", Title: "Доступ запрещён", Detail: "Это действие запрещено"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, doc := errorResponse(c.err, c.locale)
			if status != c.status {
				t.Fatalf("status=%d, want %d", status, c.status)
			}
			if len(doc.Errors) != 1 {
				t.Fatalf("got %d errors, want 1", len(doc.Errors))
			}
			got, _ := json.Marshal(doc.Errors[0])
			want, _ := json.Marshal(c.want)
			if string(got) != string(want) {
				t.Fatalf("entry\n got %s\nwant %s", got, want)
			}
		})
	}
}

func TestErrorResponseJoined(t *testing.T) {
	err := errors.Join(
		domain.FieldError("/data/attributes/general/name", domain.MsgBlank),
		domain.FieldError("/data/attributes/general/domain", domain.MsgInvalidDomain),
	)
	status, doc := errorResponse(err, domain.LocaleEN)
	if status != 422 {
		t.Fatalf("status=%d, want 422", status)
	}
	want := []string{"name can't be blank", "domain is not a valid domain name"}
	if len(doc.Errors) != len(want) {
		t.Fatalf("got %d errors, want %d", len(doc.Errors), len(want))
	}
	for i, w := range want {
		if doc.Errors[i].Detail != w {
			t.Errorf("errors[%d].detail=%q, want %q", i, doc.Errors[i].Detail, w)
		}
	}
}

// TestErrorResponseHidesInternals: the text of an error that is not a domain error
// (a driver, a bug) never reaches the client, in any language or combination.
func TestErrorResponseHidesInternals(t *testing.T) {
	const secret = `pq: password authentication failed for user "cascade" at 10.0.0.7`
	cases := []struct {
		name string
		err  error
	}{
		{"Plain", errors.New(secret)},
		{"Wrapped", fmt.Errorf("find reseller 5: %w", errors.New(secret))},
		{"InternalCode", &domain.Error{Code: domain.ErrInternal, Message: domain.Message(secret), Pointer: "/data"}},
		{"UnknownCode", &domain.Error{Code: domain.ErrorCode("db_down"), Message: domain.Message(secret)}},
		{"JoinedWithValidation", errors.Join(domain.FieldError("/data", domain.MsgRequired), errors.New(secret))},
	}
	for _, c := range cases {
		for _, l := range []domain.Locale{domain.LocaleEN, domain.LocaleRU} {
			t.Run(c.name+"/"+string(l), func(t *testing.T) {
				status, doc := errorResponse(c.err, l)
				body, _ := json.Marshal(doc)
				for _, leak := range []string{"password", "10.0.0.7", "pq:", "find reseller"} {
					if strings.Contains(string(body), leak) {
						t.Fatalf("body %s leaks %q", body, leak)
					}
				}
				if c.name != "JoinedWithValidation" && status != 500 {
					t.Fatalf("status=%d, want 500", status)
				}
				last := doc.Errors[len(doc.Errors)-1]
				if want := domain.MsgInternal.Text(l); last.Detail != want || last.Status != "500" ||
					last.Code != "internal_error" || last.Source != nil {
					t.Fatalf("entry=%+v, want status 500, code internal_error, detail %q and no source", last, want)
				}
			})
		}
	}
}

// TestRenderErrorClientGone checks that a request whose client hung up, and whose
// work stopped for it, is logged as the client's doing: status 499, no error line.
// It used to be an internal error, 500 with an error in the log, for every client
// that timed out or closed its connection.
func TestRenderErrorClientGone(t *testing.T) {
	var logged strings.Builder
	s := &Server{log: slog.New(slog.NewJSONHandler(&logged, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/v3/resellers/1/accounts", nil)
	status, _ := s.renderError(r, domain.LocaleEN, fmt.Errorf("create account: begin: %w", context.Canceled))
	if status != statusClientClosed || strings.Contains(logged.String(), `"level":"ERROR"`) {
		t.Fatalf("status %d, log %s; want %d and no error logged", status, logged.String(), statusClientClosed)
	}
	// A cancellation while the client is still there is the server's own failure.
	r = httptest.NewRequest(http.MethodGet, "/api/v3/resellers/1/accounts", nil)
	if status, _ := s.renderError(r, domain.LocaleEN, context.Canceled); status != http.StatusInternalServerError {
		t.Fatalf("status %d for a cancellation the client did not cause, want 500", status)
	}
}
