package email_test

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/email"
	"github.com/cascade-billing/cascade/internal/email/emailtest"
)

// settingsFor points settings at srv, trusting its certificate.
func settingsFor(t *testing.T, srv *emailtest.Server, implicitTLS bool) email.Settings {
	t.Helper()
	host, port, err := net.SplitHostPort(srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return email.Settings{Host: host, Port: p, ImplicitTLS: implicitTLS, From: "Cascade Billing <billing@cascade.example>",
		Timeout: 5 * time.Second, TLS: srv.ClientTLS}
}

var sentAt = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

func send(t *testing.T, s email.Settings, m email.Message) error {
	t.Helper()
	return email.NewSMTPSender(s, domain.NewTestClock(sentAt)).Send(context.Background(), m)
}

// TestSendDelivers: a message arrives with its headers (non-ASCII ones encoded and
// decoded back) and its body intact, a dot-led line and a long line included.
func TestSendDelivers(t *testing.T) {
	srv := emailtest.Start(t, emailtest.Options{})
	body := "Grüße aus Köln.\n.a line that starts with a dot\n" + strings.Repeat("long ", 40) + "\nend\n"
	m := email.Message{To: []string{"Zoë Manager <zoe@vendor.example>", "ops@vendor.example"},
		Subject: "Create subscription 42: Почта Pro for Acme Industries of the Greater Metropolitan Area", Body: body}
	if err := send(t, settingsFor(t, srv, false), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	msgs, err := srv.Wait(ctx, 1)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("Wait: %d messages, %v; want 1", len(msgs), err)
	}
	got := msgs[0]
	if got.From != "billing@cascade.example" || strings.Join(got.To, ",") != "zoe@vendor.example,ops@vendor.example" {
		t.Fatalf("envelope from %q to %v", got.From, got.To)
	}
	want := map[string]string{
		"Subject": m.Subject, "From": `"Cascade Billing" <billing@cascade.example>`,
		"To": "Zoë Manager <zoe@vendor.example>, <ops@vendor.example>", "Date": "Fri, 14 Mar 2025 09:26:53 +0000",
		"MIME-Version": "1.0", "Content-Type": "text/plain; charset=utf-8", "Content-Transfer-Encoding": "quoted-printable",
	}
	for h, v := range want {
		if g := got.Header(h); g != v {
			t.Errorf("%s: %q, want %q", h, g, v)
		}
	}
	if id := got.Header("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@cascade.example>") {
		t.Errorf("Message-ID %q, want <...@cascade.example>", id)
	}
	if g := got.Body(); g != body {
		t.Errorf("body %q, want %q", g, body)
	}
	// Encoded words may be 75 characters: the first line keeps to 78 only without one.
	for _, line := range strings.Split(string(got.Data), "\n") {
		if len(line) > 84 {
			t.Errorf("line of %d characters: %q", len(line), line)
		}
	}
}

// TestSendStartTLS: a server offering STARTTLS gets the message encrypted, and the
// credentials only after TLS (the server offers AUTH only then).
func TestSendStartTLS(t *testing.T) {
	srv := emailtest.Start(t, emailtest.Options{StartTLS: true, Users: map[string]string{"mailer": "s3cret"}})
	s := settingsFor(t, srv, false)
	s.Username, s.Password = "mailer", "s3cret"
	if err := send(t, s, email.Message{To: []string{"ops@vendor.example"}, Subject: "hi", Body: "hello\n"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || !msgs[0].TLS || msgs[0].User != "mailer" {
		t.Fatalf("messages %+v, want one over TLS from mailer", msgs)
	}
}

// TestSendImplicitTLS: smtps speaks TLS from the start and authenticates in it.
func TestSendImplicitTLS(t *testing.T) {
	srv := emailtest.Start(t, emailtest.Options{ImplicitTLS: true, Users: map[string]string{"mailer": "s3cret"}})
	s := settingsFor(t, srv, true)
	s.Username, s.Password = "mailer", "s3cret"
	if err := send(t, s, email.Message{To: []string{"ops@vendor.example"}, Subject: "hi", Body: "hello\n"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if msgs := srv.Messages(); len(msgs) != 1 || !msgs[0].TLS || msgs[0].User != "mailer" {
		t.Fatalf("messages %+v, want one over TLS from mailer", msgs)
	}
}

// TestSendErrors: each failure says which step failed and with what answer, and no
// message is accepted.
func TestSendErrors(t *testing.T) {
	to := []string{"ops@vendor.example"}
	tests := []struct {
		name  string
		opts  emailtest.Options
		setup func(*email.Settings)
		msg   email.Message
		err   string
		said  string // the server's answer, also in the error
	}{
		{name: "ErrRecipientRefused", opts: emailtest.Options{Refuse: []string{"gone@vendor.example"}},
			msg: email.Message{To: []string{"ops@vendor.example", "gone@vendor.example"}, Subject: "s"},
			err: "RCPT TO <gone@vendor.example>: 550 ", said: "no such mailbox"},
		{name: "ErrWrongPassword", opts: emailtest.Options{StartTLS: true, Users: map[string]string{"mailer": "s3cret"}},
			setup: func(s *email.Settings) { s.Username, s.Password = "mailer", "wrong" },
			msg:   email.Message{To: to, Subject: "s"}, err: "AUTH: 535 ", said: "authentication failed"},
		{name: "ErrAuthRequired", opts: emailtest.Options{Users: map[string]string{"mailer": "s3cret"}},
			msg: email.Message{To: to, Subject: "s"}, err: "MAIL FROM: 530 ", said: "authentication required"},
		{name: "ErrUntrustedCertificate", opts: emailtest.Options{StartTLS: true},
			setup: func(s *email.Settings) { s.TLS = nil },
			msg:   email.Message{To: to, Subject: "s"}, err: "STARTTLS: tls: failed to verify certificate"},
		{name: "ErrHeaderInjection", msg: email.Message{To: to, Subject: "Mail Pro\r\nBcc: thief@evil.example"},
			err: "line break in a header value"},
		{name: "ErrRecipientInjection", msg: email.Message{To: []string{"ops@vendor.example\nBcc: thief@evil.example"}, Subject: "s"},
			err: "line break in a header value"},
		{name: "ErrNoRecipient", msg: email.Message{Subject: "s"}, err: "no recipient"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := emailtest.Start(t, tt.opts)
			s := settingsFor(t, srv, false)
			if tt.setup != nil {
				tt.setup(&s)
			}
			err := send(t, s, tt.msg)
			if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), tt.said) {
				t.Fatalf("Send = %v, want an error with %q and %q", err, tt.err, tt.said)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Fatalf("%d messages accepted, want none", n)
			}
		})
	}
}

// TestSendHeaderInjectionSendsNothing: a header with a line break is refused before
// connecting, so the server never even sees the envelope.
func TestSendHeaderInjectionSendsNothing(t *testing.T) {
	s := email.Settings{Host: "127.0.0.1", Port: 1, From: "billing@cascade.example", Timeout: time.Second}
	err := send(t, s, email.Message{To: []string{"ops@vendor.example"}, Subject: "x\nBcc: thief@evil.example"})
	if !errors.Is(err, email.ErrHeaderBreak) {
		t.Fatalf("Send = %v, want ErrHeaderBreak (and no connection to port 1)", err)
	}
}

// TestSendTimeout: a server that stops answering mid-exchange costs the timeout,
// and the error says the sender gave up and where.
func TestSendTimeout(t *testing.T) {
	for _, stall := range []string{"GREETING", "DATA"} {
		t.Run(stall, func(t *testing.T) {
			srv := emailtest.Start(t, emailtest.Options{StallOn: stall})
			s := settingsFor(t, srv, false)
			s.Timeout = 300 * time.Millisecond
			start := time.Now()
			err := send(t, s, email.Message{To: []string{"ops@vendor.example"}, Subject: "s"})
			if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "gave up") {
				t.Fatalf("Send = %v, want a deadline error", err)
			}
			if stall == "DATA" && !strings.Contains(err.Error(), "at DATA") {
				t.Fatalf("Send = %v, want it to name DATA", err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Fatalf("Send took %s, want about the 300ms timeout", d)
			}
		})
	}
}

// TestSendMessageID: a message with an ID carries it as its Message-ID in the
// sender's domain, the same on every send; an ID that could break the header is
// refused before connecting.
func TestSendMessageID(t *testing.T) {
	srv := emailtest.Start(t, emailtest.Options{})
	m := email.Message{To: []string{"ops@vendor.example"}, Subject: "s", Body: "b\n", ID: "provision.4f1c-77.1741944413000000"}
	for range 2 {
		if err := send(t, settingsFor(t, srv, false), m); err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	for _, got := range srv.Messages() {
		if id := got.Header("Message-ID"); id != "<provision.4f1c-77.1741944413000000@cascade.example>" {
			t.Errorf("Message-ID %q, want it from the ID", id)
		}
	}
	for _, bad := range []string{"a b", "a>b", "x@y", ".a", "a\r\nBcc: thief@evil.example"} {
		m.ID = bad
		if err := send(t, settingsFor(t, srv, false), m); err == nil || !strings.Contains(err.Error(), "id ") {
			t.Errorf("ID %q: Send = %v, want it refused", bad, err)
		}
	}
	if n := len(srv.Messages()); n != 2 {
		t.Fatalf("%d messages, want the 2 with a good ID", n)
	}
}

// TestSendBusyServer: a server that turns a connection away with 421 fails the send
// with its answer, and takes the next one.
func TestSendBusyServer(t *testing.T) {
	srv := emailtest.Start(t, emailtest.Options{Busy: 1})
	m := email.Message{To: []string{"ops@vendor.example"}, Subject: "s", Body: "b\n"}
	if err := send(t, settingsFor(t, srv, false), m); err == nil || !strings.Contains(err.Error(), "421") {
		t.Fatalf("first Send = %v, want the 421 answer", err)
	}
	if err := send(t, settingsFor(t, srv, false), m); err != nil {
		t.Fatalf("second Send = %v", err)
	}
	if n, away := len(srv.Messages()), srv.TurnedAway(); n != 1 || away != 1 {
		t.Fatalf("%d messages, %d turned away; want 1 and 1", n, away)
	}
}
