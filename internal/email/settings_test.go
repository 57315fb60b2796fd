package email

import (
	"strings"
	"testing"
	"time"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		name string
		url  string
		want Settings
	}{
		{"OK", "smtp://mailer:s3cret@mail.example.com:2525?from=Cascade%20%3Cbilling%40example.com%3E&timeout=5s",
			Settings{Host: "mail.example.com", Port: 2525, Username: "mailer", Password: "s3cret",
				From: "Cascade <billing@example.com>", Timeout: 5 * time.Second}},
		{"SubmissionPortByDefault", "smtp://mail.example.com",
			Settings{Host: "mail.example.com", Port: 587, From: "cascade@mail.example.com", Timeout: DefaultTimeout}},
		{"ImplicitTLS", "smtps://billing%40example.com:p%40ss@smtp.example.com/",
			Settings{Host: "smtp.example.com", Port: 465, ImplicitTLS: true, Username: "billing@example.com",
				Password: "p@ss", From: "billing@example.com", Timeout: DefaultTimeout}},
		{"IPHost", "smtp://127.0.0.1:25",
			Settings{Host: "127.0.0.1", Port: 25, From: "cascade@localhost", Timeout: DefaultTimeout}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseURL(tt.url)
			if err != nil {
				t.Fatalf("ParseURL(%q) = %v", tt.url, err)
			}
			if got != tt.want {
				t.Fatalf("ParseURL(%q) = %+v, want %+v", tt.url, got, tt.want)
			}
		})
	}
}

func TestParseURLErrors(t *testing.T) {
	tests := []struct{ name, url, err string }{
		{"ErrScheme", "http://mail.example.com", `scheme "http": want smtp or smtps`},
		{"ErrNoHost", "smtp://:587", "no host"},
		{"ErrPort", "smtp://mail.example.com:99999", `port "99999"`},
		{"ErrNoPassword", "smtp://mailer@mail.example.com", "credentials: want user:password@"},
		{"ErrPath", "smtp://mail.example.com/inbox", "want no path"},
		{"ErrParameter", "smtp://mail.example.com?sender=a@b.example", `parameter "sender": want from or timeout`},
		{"ErrFrom", "smtp://mail.example.com?from=not-an-address", `from "not-an-address"`},
		{"ErrFromBreak", "smtp://mail.example.com?from=a@b.example%0D%0ABcc:%20c@d.example", "line break"},
		{"ErrTimeout", "smtp://mail.example.com?timeout=forever", `timeout "forever"`},
		{"ErrNotURL", "smtp://mailer:s3cret@mail example.com", "not a URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseURL(tt.url)
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("ParseURL(%q) = %v, want an error with %q", tt.url, err, tt.err)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Fatalf("error %q shows the password", err)
			}
		})
	}
}

// TestSettingsFromEnv: no CASCADE_SMTP_URL means no server; a bad one names the
// variable.
func TestSettingsFromEnv(t *testing.T) {
	s, err := SettingsFromEnv(func(string) string { return "" })
	if err != nil || s.Configured() {
		t.Fatalf("unset: %+v, %v; want unconfigured settings", s, err)
	}
	_, err = SettingsFromEnv(func(string) string { return "ftp://x" })
	if err == nil || !strings.HasPrefix(err.Error(), "CASCADE_SMTP_URL: ") {
		t.Fatalf("bad url: %v, want an error naming CASCADE_SMTP_URL", err)
	}
}
