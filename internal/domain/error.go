// Package domain is Cascade's vocabulary: entities, enums, validation rules and the
// error type every layer speaks. It imports only the standard library.
package domain

import (
	"errors"
	"fmt"
)

// ErrorCode classifies an error; the HTTP layer maps each code to one status.
type ErrorCode string

// The closed set of error codes.
const (
	ErrInvalid      ErrorCode = "invalid"      // a field or parameter is wrong (422)
	ErrBadRequest   ErrorCode = "bad_request"  // the request itself is malformed (400)
	ErrUnauthorized ErrorCode = "unauthorized" // no or bad credentials (401)
	ErrForbidden    ErrorCode = "forbidden"    // role or operation not allowed (403)
	ErrNotFound     ErrorCode = "not_found"    // missing or out of scope (404)
	ErrConflict     ErrorCode = "conflict"     // conflicting state (409)
	ErrTooLarge     ErrorCode = "too_large"    // request body too large (413)
	ErrMediaType    ErrorCode = "media_type"   // unsupported media type (415)
	ErrInternal     ErrorCode = "internal"     // anything else (500); never shown in detail
	ErrUnavailable  ErrorCode = "unavailable"  // a dependency is down (503)
	ErrMethod       ErrorCode = "method"       // the path exists, the method does not (405)
	ErrUnsupported  ErrorCode = "unsupported"  // no endpoint implements the method (501)
)

// Error is the one error type of Cascade. Its user-facing text is not stored: Message
// names an entry of the message catalogue and Args fill it, so the API can answer in
// the caller's language.
type Error struct {
	Code      ErrorCode
	Message   Message
	Args      []any
	Pointer   string // JSON pointer into the request body, e.g. /data/attributes/email
	Parameter string // name of the query parameter at fault, e.g. page[size]
	Header    string // name of the request header at fault, e.g. Idempotency-Key
	Reason    string // machine code shown as errors[].code, e.g. "taken"
	// Line and Column place the error in a document the request carries, such as a
	// catalogue file (1-based; 0 when unknown). The API shows them as meta.
	Line, Column int
	// VendorMessage is what a vendor's service said about the request (its
	// error_message), shown as it is in meta.vendor_message; empty when none.
	VendorMessage string
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s: %s", e.Code, e.Message)
	if e.Pointer != "" {
		s += " at " + e.Pointer
	}
	if e.Parameter != "" {
		s += " in " + e.Parameter
	}
	return s
}

// Errorf builds an Error with no pointer.
func Errorf(code ErrorCode, msg Message, args ...any) *Error {
	return &Error{Code: code, Message: msg, Args: args}
}

// FieldError builds a validation error (ErrInvalid) for the body field at pointer.
func FieldError(pointer string, msg Message, args ...any) *Error {
	return &Error{Code: ErrInvalid, Message: msg, Args: args, Pointer: pointer, Reason: msg.Reason()}
}

// ParamError builds a bad-request error for the query parameter param.
func ParamError(param string, msg Message, args ...any) *Error {
	return &Error{Code: ErrBadRequest, Message: msg, Args: args, Parameter: param, Reason: msg.Reason()}
}

// Forbidden is the error every refused role or operation returns.
func Forbidden() *Error { return Errorf(ErrForbidden, MsgForbidden) }

// NotFound is the error for a missing or out-of-scope object; msg names its kind.
func NotFound(msg Message) *Error { return Errorf(ErrNotFound, msg) }

// Errors flattens err into the list of *Error it carries: a joined error yields each
// of its members, and anything that is not an *Error becomes one internal error.
func Errors(err error) []*Error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []*Error
		for _, e := range j.Unwrap() {
			out = append(out, Errors(e)...)
		}
		return out
	}
	var de *Error
	if errors.As(err, &de) {
		return []*Error{de}
	}
	return []*Error{{Code: ErrInternal, Message: MsgInternal}}
}

// CodeOf returns the code of the first *Error in err, or ErrInternal.
func CodeOf(err error) ErrorCode {
	if err == nil {
		return ""
	}
	return Errors(err)[0].Code
}
