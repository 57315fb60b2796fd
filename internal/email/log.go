package email

import (
	"context"
	"log/slog"

	"github.com/cascade-billing/cascade/internal/domain"
)

// LogSender writes messages to the log instead of sending them, for installations
// without SMTP: the operation still waits for a manager, who finds it in the log or
// in the subscription's status.
type LogSender struct {
	Logger *slog.Logger // slog.Default() when nil
}

// Send logs m at Info and reports success; a message that cannot be written is
// refused as SMTPSender refuses it, so both behave alike.
func (s LogSender) Send(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	logger := s.Logger
	if logger == nil {
		logger = slog.Default()
	}
	logger.InfoContext(ctx, "mail not sent: no SMTP server configured (CASCADE_SMTP_URL)",
		"to", m.To, "subject", m.Subject, "body", m.Body)
	return nil
}

// NewSender returns an SMTPSender for s dating messages by clock when s names a
// server, else a LogSender writing to logger.
func NewSender(s Settings, clock domain.Clock, logger *slog.Logger) Sender {
	if s.Configured() {
		return NewSMTPSender(s, clock)
	}
	return LogSender{Logger: logger}
}
