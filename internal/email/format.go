package email

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"time"
)

// render writes m as an RFC 5322 message from the address from at time now, with a
// new Message-ID. The body is quoted-printable, so any line length and any text
// pass every server unchanged.
func render(m Message, from string, now time.Time) ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	fromAddr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("from %q: %w", from, err)
	}
	to := make([]string, len(m.To))
	for i, a := range m.To {
		addr, _ := netmail.ParseAddress(a) // Validate parsed it
		to[i] = addr.String()
	}
	var b bytes.Buffer
	header := func(name, value string) { fmt.Fprintf(&b, "%s: %s\r\n", name, value) }
	header("From", fromAddr.String())
	header("To", strings.Join(to, ", "))
	header("Subject", fold(len("Subject: "), mime.QEncoding.Encode("utf-8", m.Subject)))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", messageID(m.ID, fromAddr.Address))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	w := quotedprintable.NewWriter(&b)
	if _, err := w.Write([]byte(m.Body)); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// maxLine is the line length RFC 5322 asks headers to keep to.
const maxLine = 78

// fold breaks a header value at spaces so its lines keep to maxLine where it can,
// the first line starting after used characters of the header's name. A space
// between encoded words, and a folded one, reads back the same.
func fold(used int, value string) string {
	var b strings.Builder
	n := used
	for i, word := range strings.Split(value, " ") {
		if i > 0 {
			if n+1+len(word) > maxLine {
				b.WriteString("\r\n")
				n = 0
			}
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += len(word)
	}
	return b.String()
}

// messageID is the Message-ID of left part id in the sender's domain, a new unique
// one when id is empty.
func messageID(id, from string) string {
	if id == "" {
		var r [16]byte
		_, _ = rand.Read(r[:]) // crypto/rand never fails on supported systems
		id = hex.EncodeToString(r[:])
	}
	domain := from[strings.LastIndexByte(from, '@')+1:]
	return "<" + id + "@" + domain + ">"
}

// addressOnly is the bare address of a To or From value, for the SMTP envelope.
func addressOnly(a string) string {
	addr, err := netmail.ParseAddress(a)
	if err != nil {
		return a
	}
	return addr.Address
}
