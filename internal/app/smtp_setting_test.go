package app

import (
	"strings"
	"testing"
)

// TestSMTPSetting reads CASCADE_SMTP_URL into the configuration: none by default,
// the server it names, and a malformed URL stops the server from starting without
// showing its password.
func TestSMTPSetting(t *testing.T) {
	tests := []struct {
		name, url, host, err string
	}{
		{name: "Default"},
		{name: "OK", url: "smtp://mailer:s3cret@mail.example.com:587", host: "mail.example.com"},
		{name: "ErrScheme", url: "imap://mailer:s3cret@mail.example.com", err: `CASCADE_SMTP_URL: scheme "imap"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			c.Flags(newFlagSet(), func(k string) string {
				if k == "CASCADE_SMTP_URL" {
					return tt.url
				}
				return ""
			})
			err := c.Validate()
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || strings.Contains(err.Error(), "s3cret") {
					t.Fatalf("Validate() = %v, want an error about %s without the password", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Validate() = %v", err)
			}
			if c.SMTP.Host != tt.host || c.SMTP.Configured() != (tt.host != "") {
				t.Fatalf("SMTP host %q, want %q", c.SMTP.Host, tt.host)
			}
		})
	}
}
