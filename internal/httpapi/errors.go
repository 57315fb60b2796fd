package httpapi

import (
	"net/http"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/cascade-billing/cascade/internal/domain"
)

// statusOf is the one table from error codes to HTTP statuses and titles; nothing
// else in the API chooses an error status.
var statusOf = map[domain.ErrorCode]struct {
	status int
	title  domain.Message
}{
	domain.ErrInvalid:      {http.StatusUnprocessableEntity, domain.MsgTitleInvalid},
	domain.ErrBadRequest:   {http.StatusBadRequest, domain.MsgTitleBadRequest},
	domain.ErrUnauthorized: {http.StatusUnauthorized, domain.MsgTitleUnauthorized},
	domain.ErrForbidden:    {http.StatusForbidden, domain.MsgTitleForbidden},
	domain.ErrNotFound:     {http.StatusNotFound, domain.MsgTitleNotFound},
	domain.ErrMethod:       {http.StatusMethodNotAllowed, domain.MsgTitleMethod},
	domain.ErrConflict:     {http.StatusConflict, domain.MsgTitleConflict},
	domain.ErrTooLarge:     {http.StatusRequestEntityTooLarge, domain.MsgTitleTooLarge},
	domain.ErrMediaType:    {http.StatusUnsupportedMediaType, domain.MsgTitleMediaType},
	domain.ErrInternal:     {http.StatusInternalServerError, domain.MsgTitleInternal},
	domain.ErrUnavailable:  {http.StatusServiceUnavailable, domain.MsgTitleUnavailable},
	domain.ErrUnsupported:  {http.StatusNotImplemented, domain.MsgTitleUnsupported},
}

// errorObject is one entry of the unified errors array.
type errorObject struct {
	Status string       `json:"status"`
	Code   string       `json:"code,omitempty"`
	Title  string       `json:"title"`
	Detail string       `json:"detail"`
	Source *errorSource `json:"source,omitempty"`
	Meta   *errorMeta   `json:"meta,omitempty"`
}

// errorMeta places an error in a document the request carries (a catalogue file),
// or says what a vendor's service answered.
type errorMeta struct {
	Line          int    `json:"line,omitempty"`
	Column        int    `json:"column,omitempty"`
	VendorMessage string `json:"vendor_message,omitempty"`
}

type errorSource struct {
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
	Header    string `json:"header,omitempty"`
}

type errorDocument struct {
	Errors []errorObject `json:"errors"`
}

// errorResponse renders err in locale l. Several errors answer with the status of the
// first; they come from one validation, so they share it.
func errorResponse(err error, l domain.Locale) (int, errorDocument) {
	errs := domain.Errors(err)
	doc := errorDocument{Errors: make([]errorObject, 0, len(errs))}
	status := 0
	for _, e := range errs {
		st, ok := statusOf[e.Code]
		if !ok || e.Code == domain.ErrInternal {
			// Whatever an internal error carries stays in the log: the client learns
			// only that there was one.
			st, e = statusOf[domain.ErrInternal], &domain.Error{Code: domain.ErrInternal, Message: domain.MsgInternal}
		}
		if status == 0 {
			status = st.status
		}
		o := errorObject{Status: strconv.Itoa(st.status), Code: e.Reason, Title: st.title.Text(l),
			Detail: e.Message.Text(l, e.Args...)}
		if e.Pointer != "" || e.Parameter != "" || e.Header != "" {
			o.Source = &errorSource{Pointer: e.Pointer, Parameter: e.Parameter, Header: e.Header}
			if isPredicate(o.Detail) {
				// A predicate names its subject: "email has already been taken".
				subject := e.Parameter + e.Header
				if e.Pointer != "" {
					subject = fieldName(e.Pointer)
				}
				if subject != "" { // the pointer "/" is the whole document
					o.Detail = subject + " " + o.Detail
				}
			}
		}
		if o.Code == "" {
			o.Code = string(e.Message)
		}
		if e.Line > 0 || e.VendorMessage != "" {
			o.Meta = &errorMeta{Line: e.Line, Column: e.Column, VendorMessage: e.VendorMessage}
		}
		doc.Errors = append(doc.Errors, o)
	}
	return status, doc
}

// isPredicate reports whether a text is a predicate ("must be a string") rather than
// a sentence: in both languages predicates start in lower case.
func isPredicate(text string) bool {
	r, _ := utf8.DecodeRuneInString(text)
	return unicode.IsLower(r)
}

// fieldName is the last segment of a JSON pointer, e.g. "email" of
// /data/attributes/email.
func fieldName(pointer string) string {
	for i := len(pointer) - 1; i >= 0; i-- {
		if pointer[i] == '/' {
			return pointer[i+1:]
		}
	}
	return pointer
}
