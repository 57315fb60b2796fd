package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/cascade-billing/cascade/internal/domain"
)

// maxBody is the largest request body the API reads; maxLargeBody is the limit of
// routes with the largeBody option.
const (
	maxBody      = 1 << 20
	maxLargeBody = 8 << 20
)

// yamlMediaTypes are the YAML media types routes with the yamlBody option accept.
var yamlMediaTypes = map[string]bool{"application/yaml": true, "application/x-yaml": true, "text/yaml": true}

// readBody checks the media type and reads the body of a request that carries one.
func readBody(w http.ResponseWriter, r *http.Request, opts routeOption) ([]byte, error) {
	ct := r.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	yaml := err == nil && opts&yamlBody != 0 && yamlMediaTypes[mt]
	if err != nil || (mt != mediaJSONAPI && mt != mediaJSON && !yaml) {
		return nil, domain.Errorf(domain.ErrMediaType, domain.MsgMediaType)
	}
	for k, v := range params {
		switch {
		case k == "charset":
			// Bodies are read as UTF-8; one in another encoding would be misread.
			if !strings.EqualFold(v, "utf-8") {
				return nil, domain.Errorf(domain.ErrMediaType, domain.MsgMediaType)
			}
		case yaml || k != "ext" && k != "profile":
			// JSON:API allows only its ext and profile parameters.
			return nil, domain.Errorf(domain.ErrMediaType, domain.MsgMediaType)
		}
	}
	limit := int64(maxBody)
	if opts&largeBody != 0 {
		limit = maxLargeBody
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, domain.Errorf(domain.ErrTooLarge, domain.MsgBodyTooLarge, limit)
	case err != nil:
		// Only the client can break a body: a wrong length, broken chunks, a cut
		// connection. Whatever was read of it is not used.
		return nil, domain.Errorf(domain.ErrBadRequest, domain.MsgBodyUnreadable)
	}
	return body, nil
}

// decodeJSON unmarshals body into dst, turning syntax errors into 400 and type errors
// into 422 with a pointer to the offending member. Every body is first read strictly
// (checkBody): what encoding/json would let through or guess at is refused before
// anything is decoded.
func decodeJSON(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return domain.Errorf(domain.ErrBadRequest, domain.MsgBodyRequired)
	}
	if err := checkBody(body, shapeOf(reflect.TypeOf(dst))); err != nil {
		return err
	}
	err := json.Unmarshal(body, dst)
	if err == nil {
		return nil
	}
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syn):
		return domain.Errorf(domain.ErrBadRequest, domain.MsgMalformedJSON, syn.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return domain.Errorf(domain.ErrBadRequest, domain.MsgMalformedJSON, len(body))
	case errors.As(err, &typ):
		return domain.FieldError(jsonPointer(typ.Field), typeMessage(typ.Type))
	}
	return domain.Errorf(domain.ErrBadRequest, domain.MsgMalformedJSON, 0)
}

// jsonPointer turns encoding/json's dotted field path into a JSON pointer.
func jsonPointer(field string) string {
	if field == "" {
		return "/"
	}
	return "/" + strings.ReplaceAll(field, ".", "/")
}

func typeMessage(t reflect.Type) domain.Message {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case reflect.TypeOf(flexInt(0)):
		return domain.MsgMustBeInteger
	case reflect.TypeOf(flexBool(false)):
		return domain.MsgMustBeBoolean
	}
	switch t.Kind() {
	case reflect.String:
		return domain.MsgMustBeString
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint64:
		return domain.MsgMustBeInteger
	case reflect.Float32, reflect.Float64:
		return domain.MsgMustBeNumber
	case reflect.Bool:
		return domain.MsgMustBeBoolean
	case reflect.Slice, reflect.Array:
		return domain.MsgMustBeArray
	}
	return domain.MsgMustBeObject
}

// flexInt is an integer that clients may send as a JSON number or a string of
// digits, as the documented examples do for ids.
type flexInt int64

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) >= 2 && s[0] == '"' {
		s = s[1 : len(s)-1]
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return &json.UnmarshalTypeError{Value: string(b), Type: reflect.TypeOf(flexInt(0))}
	}
	*f = flexInt(v)
	return nil
}

func (f *flexInt) ptr() *int64 {
	if f == nil {
		return nil
	}
	v := int64(*f)
	return &v
}

// flexBool is a boolean that clients may send as true/false or "true"/"false".
type flexBool bool

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexBool) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "true", `"true"`, `"1"`, "1":
		*f = true
	case "false", `"false"`, `"0"`, "0":
		*f = false
	default:
		return &json.UnmarshalTypeError{Value: string(b), Type: reflect.TypeOf(flexBool(false))}
	}
	return nil
}

func (f *flexBool) ptr() *bool {
	if f == nil {
		return nil
	}
	v := bool(*f)
	return &v
}

// customAttributes accepts both documented shapes of custom attributes: a plain
// object {"key": "value"} and {"data": [{"key": "k", "value": "v"}]}. A null value
// removes the key. Member names are matched exactly: "Data" is an attribute of the
// plain shape, never the list.
type customAttributes map[string]*string

// UnmarshalJSON implements json.Unmarshaler.
func (c *customAttributes) UnmarshalJSON(b []byte) error {
	var m map[string]*string
	if json.Unmarshal(b, &m) == nil {
		*c = m
		return nil
	}
	// Not the plain shape: the list shape, or wrong.
	bad := &json.UnmarshalTypeError{Value: "attributes", Type: reflect.TypeOf(map[string]string{})}
	var members map[string]json.RawMessage
	if json.Unmarshal(b, &members) != nil {
		return bad
	}
	var list []customAttribute
	if data := bytes.TrimSpace(members["data"]); len(data) == 0 || data[0] != '[' || json.Unmarshal(data, &list) != nil {
		return bad
	}
	m = make(customAttributes, len(list))
	for _, kv := range list {
		m[kv.key] = kv.value
	}
	*c = m
	return nil
}

// customAttribute is one {"key": k, "value": v} of the list shape of custom
// attributes, its members matched exactly.
type customAttribute struct {
	key   string
	value *string
}

// UnmarshalJSON implements json.Unmarshaler.
func (a *customAttribute) UnmarshalJSON(b []byte) error {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil {
		return err
	}
	if v, ok := members["key"]; ok {
		if err := json.Unmarshal(v, &a.key); err != nil {
			return err
		}
	}
	if v, ok := members["value"]; ok {
		return json.Unmarshal(v, &a.value)
	}
	return nil
}

// amountText is a sum of money as a client may send it: a JSON number or a decimal
// string. It keeps the digits as written, never passing through float64; the domain
// parses them.
type amountText string

// UnmarshalJSON implements json.Unmarshaler.
func (t *amountText) UnmarshalJSON(b []byte) error {
	var s string
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = amountText(s)
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var n any
	if err := d.Decode(&n); err != nil {
		return err
	}
	num, ok := n.(json.Number)
	if !ok {
		return &json.UnmarshalTypeError{Value: string(b), Type: reflect.TypeOf(0.0)}
	}
	*t = amountText(num.String())
	return nil
}
