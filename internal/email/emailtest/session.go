package emailtest

import (
	"crypto/tls"
	"encoding/base64"
	"net"
	"net/textproto"
	"strings"
)

// session is one client connection's SMTP conversation.
type session struct {
	srv  *Server
	conn net.Conn
	tp   *textproto.Conn
	tls  bool
	user string
	msg  *Message // the transaction since MAIL FROM; nil before
}

func newSession(s *Server, conn net.Conn) *session {
	return &session{srv: s, conn: conn, tp: textproto.NewConn(conn), tls: s.opts.ImplicitTLS}
}

// stall holds the connection unanswered until the server closes.
func (c *session) stall() { <-c.srv.closing }

func (c *session) reply(format string, args ...any) bool {
	return c.tp.PrintfLine(format, args...) == nil
}

func (c *session) run() {
	if c.srv.opts.StallOn == "GREETING" {
		c.stall()
		return
	}
	if c.srv.turnAway() {
		c.reply("421 4.3.2 emailtest busy, try again later")
		return
	}
	c.reply("220 emailtest ESMTP ready")
	for {
		line, err := c.tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		verb = strings.ToUpper(verb)
		if verb == c.srv.opts.StallOn {
			c.stall()
			return
		}
		if !c.handle(verb, arg) {
			return
		}
	}
}

// authOffered: with STARTTLS offered, AUTH waits for TLS, as real servers do.
func (c *session) authOffered() bool {
	return len(c.srv.opts.Users) > 0 && (c.tls || !c.srv.opts.StartTLS)
}

// handle answers one command; false ends the connection.
func (c *session) handle(verb, arg string) bool {
	switch verb {
	case "EHLO":
		c.msg = nil
		lines := []string{"emailtest greets " + arg, "8BITMIME"}
		if c.srv.opts.StartTLS && !c.tls {
			lines = append(lines, "STARTTLS")
		}
		if c.authOffered() {
			lines = append(lines, "AUTH PLAIN")
		}
		for i, l := range lines {
			sep := "-"
			if i == len(lines)-1 {
				sep = " "
			}
			if !c.reply("250%s%s", sep, l) {
				return false
			}
		}
		return true
	case "HELO":
		c.msg = nil
		return c.reply("250 emailtest")
	case "STARTTLS":
		return c.startTLS()
	case "AUTH":
		return c.auth(arg)
	case "MAIL":
		return c.mail(arg)
	case "RCPT":
		return c.rcpt(arg)
	case "DATA":
		return c.data()
	case "RSET":
		c.msg = nil
		return c.reply("250 reset")
	case "NOOP":
		return c.reply("250 ok")
	case "QUIT":
		c.reply("221 bye")
		return false
	}
	return c.reply("502 5.5.2 command not recognised")
}

func (c *session) startTLS() bool {
	if !c.srv.opts.StartTLS || c.tls {
		return c.reply("503 5.5.1 STARTTLS not available")
	}
	if !c.reply("220 2.0.0 go ahead") {
		return false
	}
	tc := tls.Server(c.conn, c.srv.tls)
	if err := tc.Handshake(); err != nil {
		return false
	}
	// The conversation starts over: the client says EHLO again.
	c.conn, c.tp, c.tls, c.msg = tc, textproto.NewConn(tc), true, nil
	return true
}

func (c *session) auth(arg string) bool {
	mech, resp, _ := strings.Cut(arg, " ")
	switch {
	case !c.authOffered():
		return c.reply("503 5.5.1 AUTH not available")
	case c.user != "":
		return c.reply("503 5.5.1 already authenticated")
	case !strings.EqualFold(mech, "PLAIN"):
		return c.reply("504 5.5.4 only PLAIN")
	}
	if resp == "" {
		if !c.reply("334 ") {
			return false
		}
		line, err := c.tp.ReadLine()
		if err != nil {
			return false
		}
		resp = line
	}
	raw, err := base64.StdEncoding.DecodeString(resp)
	parts := strings.Split(string(raw), "\x00")
	if err != nil || len(parts) != 3 {
		return c.reply("501 5.5.2 malformed PLAIN response")
	}
	if pass, ok := c.srv.opts.Users[parts[1]]; !ok || pass != parts[2] {
		return c.reply("535 5.7.8 authentication failed")
	}
	c.user = parts[1]
	return c.reply("235 2.7.0 authenticated")
}

// path reads the address of "FROM:<a>" or "TO:<a>", ignoring parameters.
func path(arg, prefix string) (string, bool) {
	if len(arg) < len(prefix) || !strings.EqualFold(arg[:len(prefix)], prefix) {
		return "", false
	}
	rest := strings.TrimSpace(arg[len(prefix):])
	if !strings.HasPrefix(rest, "<") {
		return "", false
	}
	addr, _, ok := strings.Cut(rest[1:], ">")
	return addr, ok
}

func (c *session) mail(arg string) bool {
	from, ok := path(arg, "FROM:")
	switch {
	case !ok:
		return c.reply("501 5.5.4 want MAIL FROM:<address>")
	case len(c.srv.opts.Users) > 0 && c.user == "":
		return c.reply("530 5.7.0 authentication required")
	}
	c.msg = &Message{From: from}
	return c.reply("250 2.1.0 ok")
}

func (c *session) rcpt(arg string) bool {
	to, ok := path(arg, "TO:")
	switch {
	case c.msg == nil:
		return c.reply("503 5.5.1 MAIL first")
	case !ok:
		return c.reply("501 5.5.4 want RCPT TO:<address>")
	case c.srv.refuses(to):
		return c.reply("550 5.1.1 <%s>: no such mailbox", to)
	}
	c.msg.To = append(c.msg.To, to)
	return c.reply("250 2.1.5 ok")
}

func (c *session) data() bool {
	if c.msg == nil || len(c.msg.To) == 0 {
		return c.reply("503 5.5.1 RCPT first")
	}
	if !c.reply("354 end with <CRLF>.<CRLF>") {
		return false
	}
	data, err := c.tp.ReadDotBytes()
	if err != nil {
		return false
	}
	m := *c.msg
	m.Data, m.TLS, m.User = data, c.tls, c.user
	c.srv.add(m)
	c.msg = nil
	return c.reply("250 2.0.0 queued")
}
