package email

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/smtp"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// SMTPSender delivers messages to an SMTP server: over TLS from the start (smtps),
// or upgraded with STARTTLS when the server offers it; authenticated with AUTH PLAIN
// when Settings has a user name.
type SMTPSender struct {
	settings Settings
	clock    domain.Clock
}

// NewSMTPSender returns a sender to the server of s, dating messages by clock (the
// machine's when nil).
func NewSMTPSender(s Settings, clock domain.Clock) *SMTPSender {
	if s.Timeout <= 0 {
		s.Timeout = DefaultTimeout
	}
	if clock == nil {
		clock = domain.SystemClock{}
	}
	return &SMTPSender{settings: s, clock: clock}
}

// Send delivers m within the settings' timeout (or ctx's deadline when sooner). Its
// error names the server and the step that failed: connect, TLS, STARTTLS, AUTH,
// MAIL FROM, RCPT TO (with the recipient), DATA or QUIT, with the server's answer.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	raw, err := render(m, s.settings.From, s.clock.Now())
	if err != nil {
		return fmt.Errorf("mail %q: %w", m.Subject, err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.settings.Timeout)
	defer cancel()
	if err := s.deliver(ctx, m, raw); err != nil {
		if ctx.Err() != nil {
			// Say why the step failed: the network's "i/o timeout" hides it.
			err = fmt.Errorf("gave up (%w) at %w", ctx.Err(), err)
		}
		return fmt.Errorf("mail to %v via %s: %w", m.To, s.settings.Addr(), err)
	}
	return nil
}

// deliver runs the SMTP exchange on one connection. Moving the connection's
// deadline to the past when ctx ends unblocks whatever step waits for the server.
func (s *SMTPSender) deliver(ctx context.Context, m Message, raw []byte) error {
	conn, err := s.dial(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// Only ctx ends the exchange, so a step cut short always finds ctx.Err() set.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c, err := smtp.NewClient(conn, s.settings.Host)
	if err != nil {
		return step("greeting", err)
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return step("EHLO", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok && !s.settings.ImplicitTLS {
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return step("STARTTLS", err)
		}
	}
	if s.settings.Username != "" {
		// PlainAuth refuses to send the password in the clear unless the server is
		// on this machine.
		auth := smtp.PlainAuth("", s.settings.Username, s.settings.Password, s.settings.Host)
		if err := c.Auth(auth); err != nil {
			return step("AUTH", err)
		}
	}
	if err := c.Mail(addressOnly(s.settings.From)); err != nil {
		return step("MAIL FROM", err)
	}
	for _, to := range m.To {
		if err := c.Rcpt(addressOnly(to)); err != nil {
			return step("RCPT TO <"+addressOnly(to)+">", err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return step("DATA", err)
	}
	if _, err := w.Write(raw); err != nil {
		return step("DATA", err)
	}
	if err := w.Close(); err != nil {
		return step("DATA", err)
	}
	return step("QUIT", c.Quit())
}

// dial connects to the server, in TLS for smtps.
func (s *SMTPSender) dial(ctx context.Context) (net.Conn, error) {
	d := &net.Dialer{}
	if s.settings.ImplicitTLS {
		td := &tls.Dialer{NetDialer: d, Config: s.tlsConfig()}
		conn, err := td.DialContext(ctx, "tcp", s.settings.Addr())
		return conn, step("connect with TLS", err)
	}
	conn, err := d.DialContext(ctx, "tcp", s.settings.Addr())
	return conn, step("connect", err)
}

// tlsConfig verifies the server as Host.
func (s *SMTPSender) tlsConfig() *tls.Config {
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.settings.TLS != nil {
		c = s.settings.TLS.Clone()
	}
	if c.ServerName == "" {
		c.ServerName = s.settings.Host
	}
	return c
}

// step names the step of the exchange an error happened in; nil stays nil.
func step(name string, err error) error {
	if err == nil {
		return nil
	}
	return &StepError{Step: name, Err: err}
}

// StepError is a failed step of an SMTP exchange; Err holds the server's answer
// (a *textproto.Error with its code) or the network error.
type StepError struct {
	Step string
	Err  error
}

func (e *StepError) Error() string { return e.Step + ": " + e.Err.Error() }

func (e *StepError) Unwrap() error { return e.Err }

var _ Sender = (*SMTPSender)(nil)
