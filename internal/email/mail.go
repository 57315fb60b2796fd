// Package email sends the plain-text e-mails of Cascade: the provisioning operations
// of products in manual mode, which a manager of the vendor reads and carries out.
// An SMTPSender delivers them over SMTP (CASCADE_SMTP_URL); without SMTP configured a
// LogSender writes them to the log, so operations still wait for a manager.
package email

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
)

// Message is a plain-text e-mail. The sender adds From, Date, Message-ID and the
// MIME headers.
type Message struct {
	To      []string // addresses, "name@example.com" or "Name <name@example.com>"
	Subject string
	Body    string // plain text; lines end in "\n"
	// ID is the left part of the Message-ID, before "@" and the sender's domain:
	// letters, digits, "-" and "."; a random one when empty. A message sent again
	// with the same ID reads to mail programs as the same message.
	ID string
}

// Sender delivers messages. Send returns an error saying which step failed; a
// message that cannot be written (no recipient, a header with a line break) is
// refused before anything is sent.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrHeaderBreak is the error of a header value holding a line break, which would let
// text from a product or a customer add headers of its own.
var ErrHeaderBreak = errors.New("line break in a header value")

// Validate checks that m can be written: at least one recipient, each an address,
// and no line break in any header value.
func (m Message) Validate() error {
	var errs []error
	if len(m.To) == 0 {
		errs = append(errs, errors.New("no recipient"))
	}
	for _, to := range m.To {
		if err := checkHeader("To", to); err != nil {
			errs = append(errs, err)
		} else if _, err := netmail.ParseAddress(to); err != nil {
			errs = append(errs, fmt.Errorf("recipient %q: %w", to, err))
		}
	}
	errs = append(errs, checkHeader("Subject", m.Subject))
	if strings.TrimFunc(m.ID, idChar) != "" || strings.Trim(m.ID, ".") != m.ID {
		errs = append(errs, fmt.Errorf("id %q: want letters, digits, '-' and '.' inside", m.ID))
	}
	return errors.Join(errs...)
}

// idChar reports whether r may appear in a Message ID's left part.
func idChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.'
}

// checkHeader refuses a value with CR or LF for the header name.
func checkHeader(name, value string) error {
	if strings.ContainsAny(value, "\r\n") {
		return fmt.Errorf("%s %q: %w", name, value, ErrHeaderBreak)
	}
	return nil
}
