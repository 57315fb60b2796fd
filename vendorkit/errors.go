package vendorkit

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Error is a vendor's refusal of a call: an HTTP status of 400 or more and the text
// to show. A vendor's function returns one to answer it; Cascade's client reads one
// from the answer. Status 408, 429 and 5xx ask Cascade to try again later; every
// other one fails the operation at once.
type Error struct {
	Status  int
	Message string
	// AvailableQuantity is how many units a refused resource validation allows, when
	// the vendor says.
	AvailableQuantity *int64
}

func (e *Error) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("vendor answered %d", e.Status)
	}
	return fmt.Sprintf("vendor answered %d: %s", e.Status, e.Message)
}

// Refuse returns an Error with the status and message.
func Refuse(status int, message string) *Error { return &Error{Status: status, Message: message} }

// errorBody is the documented error answer: the text inside a task object. The
// top-level form is read too (see ParseError).
type errorBody struct {
	Task              *errorTask `json:"task,omitempty"`
	ErrorMessage      string     `json:"error_message,omitempty"`
	AvailableQuantity *int64     `json:"available_quantity,omitempty"`
}

type errorTask struct {
	ErrorMessage      string `json:"error_message"`
	AvailableQuantity *int64 `json:"available_quantity,omitempty"`
}

// ParseError reads an error answer of status with body in either documented shape,
// {"task": {"error_message": "..."}} or {"error_message": "..."}. A body in neither
// shape is kept as the message, as it is, so nothing the vendor said is lost.
func ParseError(status int, body []byte) *Error {
	e := &Error{Status: status}
	var b errorBody
	if json.Unmarshal(body, &b) == nil {
		if b.Task != nil && b.Task.ErrorMessage != "" {
			e.Message, e.AvailableQuantity = b.Task.ErrorMessage, b.Task.AvailableQuantity
		} else if b.ErrorMessage != "" {
			e.Message, e.AvailableQuantity = b.ErrorMessage, b.AvailableQuantity
		}
		if e.Message != "" {
			return e
		}
	}
	e.Message = string(body)
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	return e
}

// body renders e in the documented shape, inside a task object.
func (e *Error) body() []byte {
	b, _ := json.Marshal(errorBody{Task: &errorTask{ErrorMessage: e.Message, AvailableQuantity: e.AvailableQuantity}})
	return b
}
