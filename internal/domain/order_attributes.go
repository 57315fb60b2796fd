package domain

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Longest values of the free-text order attribute types, in characters.
const (
	MaxAttributeString = 255
	MaxAttributeText   = 10_000
)

// AttributeProblem is one order attribute value that does not pass, named by the
// attribute's key.
type AttributeProblem struct {
	Key     string
	Message Message
	Args    []any
}

// CheckOrderAttributes checks the values entered for a plan's order attributes, the
// platform's own step of attribute validation. It returns the values of the declared
// attributes in normal form (see normaliseAttribute) and every problem, in the
// order of attrs. Keys the plan does not declare are ignored: the same form may
// carry values meant for another plan or service. An attribute left empty (absent,
// null or blank) is omitted, and is a problem only when required; a required
// checkbox must be ticked.
func CheckOrderAttributes(attrs []OrderAttribute, values map[string]json.RawMessage) (map[string]any, []AttributeProblem) {
	out := map[string]any{}
	var problems []AttributeProblem
	for _, a := range attrs {
		v, msg, args := normaliseAttribute(a, values[a.Key])
		switch {
		case msg != "":
			problems = append(problems, AttributeProblem{Key: a.Key, Message: msg, Args: args})
		case v == nil && a.Required:
			msg := MsgBlank
			if a.Type == AttrCheckbox {
				msg = MsgMustBeAccepted
			}
			problems = append(problems, AttributeProblem{Key: a.Key, Message: msg})
		case a.Required && v == false:
			problems = append(problems, AttributeProblem{Key: a.Key, Message: MsgMustBeAccepted})
		case v != nil:
			out[a.Key] = v
		}
	}
	return out, problems
}

var (
	jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)
	plainDate  = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
)

// normaliseAttribute reads one raw value for attribute a. It returns nil for an
// empty value, or the value in normal form: string and text trimmed, number as a
// JSON number, checkbox as a boolean (true/false, 1/0 and their strings), date as
// YYYY-MM-DD, email trimmed and lower-cased, list as the allowed value it names.
// Numbers are accepted where text is expected, as their literal.
func normaliseAttribute(a OrderAttribute, raw json.RawMessage) (any, Message, []any) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, "", nil
	}
	text, isText := scalarText(raw)
	if isText && text == "" {
		return nil, "", nil
	}
	switch a.Type {
	case AttrNumber:
		if !isText || !jsonNumber.MatchString(text) {
			return nil, MsgMustBeNumber, nil
		}
		return json.Number(text), "", nil
	case AttrCheckbox:
		switch string(raw) {
		case "true", "1", `"1"`, `"true"`:
			return true, "", nil
		case "false", "0", `"0"`, `"false"`:
			return false, "", nil
		}
		return nil, MsgMustBeBoolean, nil
	}
	if !isText {
		return nil, MsgMustBeString, nil
	}
	switch a.Type {
	case AttrText:
		if utf8.RuneCountInString(text) > MaxAttributeText {
			return nil, MsgTooLong, []any{MaxAttributeText}
		}
	case AttrDate:
		if _, err := time.Parse(time.DateOnly, text); err != nil || !plainDate.MatchString(text) {
			return nil, MsgMustBeDate, nil
		}
	case AttrEmail:
		text = strings.ToLower(text)
		if !ValidEmail(text) {
			return nil, MsgInvalidEmail, nil
		}
	case AttrList:
		for _, allowed := range a.Values {
			if text == allowed {
				return text, "", nil
			}
		}
		return nil, MsgOneOf, []any{strings.Join(a.Values, ", ")}
	default: // string, and any type a newer catalogue may add
		if utf8.RuneCountInString(text) > MaxAttributeString {
			return nil, MsgTooLong, []any{MaxAttributeString}
		}
	}
	return text, "", nil
}

// scalarText returns a JSON string's value trimmed, or a JSON number's literal; ok
// is false for anything else (booleans, objects, arrays, malformed input).
func scalarText(raw json.RawMessage) (string, bool) {
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return "", false
		}
		return strings.TrimSpace(s), true
	}
	if jsonNumber.Match(raw) {
		return string(raw), true
	}
	return "", false
}
