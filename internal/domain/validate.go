package domain

import (
	"errors"
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Problems collects the field errors of one input so a caller hears about all of them
// at once. The zero value is ready to use.
type Problems struct{ errs []error }

// Add records a field error at pointer.
func (p *Problems) Add(pointer string, msg Message, args ...any) {
	p.errs = append(p.errs, FieldError(pointer, msg, args...))
}

// Err returns every recorded problem joined, or nil.
func (p *Problems) Err() error { return errors.Join(p.errs...) }

// Text checks a free-text field: it must be at most max characters, and if required
// not blank. It returns the trimmed value.
func (p *Problems) Text(pointer, v string, required bool, max int) string {
	v = strings.TrimSpace(v)
	switch {
	case required && v == "":
		p.Add(pointer, MsgBlank)
	case utf8.RuneCountInString(v) > max:
		p.Add(pointer, MsgTooLong, max)
	}
	return v
}

// Email checks an e-mail address (empty allowed unless required) and returns it
// trimmed and lower-cased.
func (p *Problems) Email(pointer, v string, required bool) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if v == "" {
		if required {
			p.Add(pointer, MsgBlank)
		}
		return v
	}
	if !ValidEmail(v) {
		p.Add(pointer, MsgInvalidEmail)
	}
	return v
}

// Phone checks a phone number in the documented +<code><number> / 00<code><number> form.
func (p *Problems) Phone(pointer, v string) string {
	v = strings.TrimSpace(v)
	if v != "" && !phonePattern.MatchString(v) {
		p.Add(pointer, MsgInvalidPhone)
	}
	return v
}

// Country checks an ISO 3166-1 alpha-2 code and returns it upper-cased.
func (p *Problems) Country(pointer, v string, required bool) string {
	v = strings.ToUpper(strings.TrimSpace(v))
	switch {
	case v == "" && required:
		p.Add(pointer, MsgBlank)
	case v != "" && !ValidCountry(v):
		p.Add(pointer, MsgInvalidCountry)
	}
	return v
}

// Currency checks an ISO 4217 alpha-3 code and returns it upper-cased.
func (p *Problems) Currency(pointer, v string, required bool) string {
	v = strings.ToUpper(strings.TrimSpace(v))
	switch {
	case v == "" && required:
		p.Add(pointer, MsgBlank)
	case v != "" && !ValidCurrency(v):
		p.Add(pointer, MsgInvalidCurrency)
	}
	return v
}

// ValidEmail reports whether s is a bare address such as name@example.com.
func ValidEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".")
}

var (
	phonePattern      = regexp.MustCompile(`^(\+|00)[1-9][0-9]{6,14}$`)
	domainLabel       = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	managerKeyPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)
	attributeKey      = regexp.MustCompile(`^[A-Za-z0-9_]{1,64}$`)
)

// ValidDomain reports whether s is a host name of at least two labels.
func ValidDomain(s string) bool {
	if len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if !domainLabel.MatchString(l) {
			return false
		}
	}
	return true
}

// ValidManagerKey reports whether s uses only the documented manager_key characters.
func ValidManagerKey(s string) bool { return managerKeyPattern.MatchString(s) }

// ValidAttributeKey reports whether s may name a custom attribute.
func ValidAttributeKey(s string) bool { return attributeKey.MatchString(s) }

// ValidPassword applies the installation's password rule: 8 to 72 bytes (the bcrypt
// limit), at least one letter and one digit.
func ValidPassword(s string) bool {
	if len(s) < 8 || len(s) > 72 {
		return false
	}
	var letter, digit bool
	for _, r := range s {
		letter = letter || unicode.IsLetter(r)
		digit = digit || unicode.IsDigit(r)
	}
	return letter && digit
}

// IsControl reports whether r is a control character that no text of Cascade may
// hold: a C0 control other than tab, line feed and carriage return, or DEL.
// PostgreSQL refuses a NUL in text that SQLite would store, so both engines can
// answer alike only if text never reaches them with one, and nothing shown to people
// needs the others.
func IsControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f
}

// PlainText reports whether s is UTF-8 text without control characters (IsControl).
func PlainText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, IsControl)
}
