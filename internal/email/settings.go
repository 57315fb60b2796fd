package email

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultTimeout bounds one delivery, from dialling to the server's answer to QUIT,
// when CASCADE_SMTP_URL sets no timeout.
const DefaultTimeout = 30 * time.Second

// Settings say how to reach the SMTP server. The zero Settings mean no SMTP server:
// NewSender then logs the messages instead.
type Settings struct {
	// Host and Port are the server's; Port defaults to 587 for smtp and 465 for smtps.
	Host string
	Port int
	// ImplicitTLS speaks TLS from the first byte (smtps); otherwise the sender
	// upgrades with STARTTLS whenever the server offers it.
	ImplicitTLS bool
	// Username and Password authenticate with AUTH PLAIN, which is only sent over
	// TLS or to a loopback server; no authentication when Username is empty.
	Username, Password string
	// From is the sender's address: the URL's from parameter, else the user name when
	// it is an address, else cascade@HOST.
	From string
	// Timeout bounds one delivery (the URL's timeout parameter, DefaultTimeout).
	Timeout time.Duration
	// TLS verifies the server's certificate; nil trusts the system's roots. Tests set
	// it to trust their own server.
	TLS *tls.Config
}

// Configured reports whether s names an SMTP server.
func (s Settings) Configured() bool { return s.Host != "" }

// Addr is the server's host:port.
func (s Settings) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// SettingsFromEnv reads CASCADE_SMTP_URL: the zero Settings when it is not set.
func SettingsFromEnv(getenv func(string) string) (Settings, error) {
	v := getenv("CASCADE_SMTP_URL")
	if v == "" {
		return Settings{}, nil
	}
	s, err := ParseURL(v)
	if err != nil {
		return Settings{}, fmt.Errorf("CASCADE_SMTP_URL: %w", err)
	}
	return s, nil
}

// ParseURL reads an SMTP URL: smtp://[user:password@]host[:port][?from=ADDR&timeout=D]
// for STARTTLS (when offered), smtps://... for TLS from the start. Its errors never
// repeat the password.
func ParseURL(raw string) (Settings, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url's error quotes the whole URL, password included.
		return Settings{}, errors.New("not a URL: want smtp://user:password@host:587 or smtps://user:password@host:465")
	}
	var s Settings
	var errs []error
	switch u.Scheme {
	case "smtp":
		s.Port = 587
	case "smtps":
		s.Port, s.ImplicitTLS = 465, true
	default:
		errs = append(errs, fmt.Errorf("scheme %q: want smtp or smtps", u.Scheme))
	}
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		errs = append(errs, errors.New("want no path or fragment after the host"))
	}
	s.Host = u.Hostname()
	if s.Host == "" {
		errs = append(errs, errors.New("no host"))
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			errs = append(errs, fmt.Errorf("port %q: want 1 to 65535", p))
		}
		s.Port = n
	}
	if u.User != nil {
		s.Username = u.User.Username()
		pass, ok := u.User.Password()
		if s.Username == "" || !ok {
			errs = append(errs, errors.New("credentials: want user:password@ (percent-encode @ : / in them)"))
		}
		s.Password = pass
	}
	errs = append(errs, s.readQuery(u.Query()))
	return s, errors.Join(errs...)
}

// readQuery sets From and Timeout from the URL's parameters, refusing others so a
// misspelt one is not silently ignored.
func (s *Settings) readQuery(q url.Values) error {
	var errs []error
	s.Timeout = DefaultTimeout
	for k, vs := range q {
		v := vs[len(vs)-1]
		switch k {
		case "from":
			if err := checkHeader("from", v); err != nil {
				errs = append(errs, err)
			} else if _, err := netmail.ParseAddress(v); err != nil {
				errs = append(errs, fmt.Errorf("from %q: want an address such as Cascade <billing@example.com>", v))
			}
			s.From = v
		case "timeout":
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 || d > 10*time.Minute {
				errs = append(errs, fmt.Errorf("timeout %q: want a duration from 1ms to 10m, such as 30s", v))
			}
			s.Timeout = d
		default:
			errs = append(errs, fmt.Errorf("parameter %q: want from or timeout", k))
		}
	}
	if s.From == "" {
		s.From = defaultFrom(s.Username, s.Host)
	}
	return errors.Join(errs...)
}

// defaultFrom is the user name when it is an address (most providers' mailboxes
// log in so), else cascade@ the server's host name, or cascade@localhost for a
// server named by its IP address.
func defaultFrom(user, host string) string {
	if a, err := netmail.ParseAddress(user); err == nil && strings.Contains(a.Address, "@") {
		return a.Address
	}
	if net.ParseIP(host) != nil {
		host = "localhost"
	}
	return "cascade@" + host
}
