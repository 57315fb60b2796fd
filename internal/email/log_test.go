package email_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"testing"

	"github.com/cascade-billing/cascade/internal/email"
)

// TestLogSender: without SMTP the message goes to the log, whole, and Send
// succeeds; a message with a line break in a header is still refused.
func TestLogSender(t *testing.T) {
	var buf bytes.Buffer
	s := email.NewSender(email.Settings{}, nil, slog.New(slog.NewJSONHandler(&buf, nil)))
	if _, ok := s.(email.LogSender); !ok {
		t.Fatalf("NewSender without a host = %T, want LogSender", s)
	}
	m := email.Message{To: []string{"ops@vendor.example"}, Subject: "Stop subscription 7", Body: "Stop it.\n"}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("Send = %v, want nil", err)
	}
	var rec struct {
		Level, Msg, Subject, Body string
		To                        []string
	}
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("log %q: %v", buf.String(), err)
	}
	if rec.Level != "INFO" || rec.Subject != m.Subject || rec.Body != m.Body || len(rec.To) != 1 || rec.To[0] != m.To[0] {
		t.Fatalf("logged %+v, want the message at INFO", rec)
	}
	buf.Reset()
	err := s.Send(context.Background(), email.Message{To: m.To, Subject: "a\r\nBcc: thief@evil.example"})
	if !errors.Is(err, email.ErrHeaderBreak) || buf.Len() != 0 {
		t.Fatalf("Send = %v, logged %q; want ErrHeaderBreak and nothing logged", err, buf.String())
	}
}

// TestNewSenderSMTP: settings naming a host make an SMTPSender.
func TestNewSenderSMTP(t *testing.T) {
	s := email.NewSender(email.Settings{Host: "mail.example.com", Port: 587, From: "a@b.example"}, nil, slog.Default())
	if _, ok := s.(*email.SMTPSender); !ok {
		t.Fatalf("NewSender with a host = %T, want *SMTPSender", s)
	}
}
