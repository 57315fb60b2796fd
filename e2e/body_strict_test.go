package e2e

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
)

// bodyTarget is an object whose text attribute a test tries to spoil, and how to read
// that attribute back.
type bodyTarget struct {
	name    string
	path    string
	wrap    func(member string) string // the body that sets one attribute
	pointer string                     // where wrap puts the attribute
	read    func(t *testing.T) string  // the attribute's stored value
}

// bodyTargets creates a reseller, an account and a manager and returns one text
// attribute of each.
func bodyTargets(t *testing.T, s *server) []bodyTarget {
	ctx := context.Background()
	r := mustCreateReseller(t, s.Admin, 1, "Strict Body")
	a := acMustCreate(t, s.Admin, 1, acPerson("Nora", "Null"))
	m := mustCreateManager(t, s.Admin, 1, "sales")
	attrs := func(member string) string { return `{"data":{"attributes":{` + member + `}}}` }
	return []bodyTarget{
		{"reseller", rsPath("resellers", strconv.FormatInt(r.ID, 10)),
			func(member string) string { return attrs(`"general":{` + member + `}`) }, "/data/attributes/general/name",
			func(t *testing.T) string { return rsGet(t, s.Admin, r.ID).General.Name }},
		// An account update names the account type, as ActivePlatform requires.
		{"account", rsPath("resellers", "1", "accounts", strconv.FormatInt(a.ID, 10)),
			func(member string) string {
				return attrs(`"account_type_id":` + strconv.FormatInt(acPersonal, 10) + `,` + member)
			}, "/data/attributes/first_name",
			func(t *testing.T) string {
				got, err := s.Admin.GetAccount(ctx, 1, a.ID)
				if err != nil {
					t.Fatalf("get account %d: %v", a.ID, err)
				}
				return got.FirstName
			}},
		{"manager", rsPath("resellers", "1", "managers", strconv.FormatInt(m.ID, 10)), attrs, "/data/attributes/name",
			func(t *testing.T) string {
				got, err := s.Admin.GetManager(ctx, 1, m.ID)
				if err != nil {
					t.Fatalf("get manager %d: %v", m.ID, err)
				}
				return got.Name
			}},
	}
}

// member is the JSON member that sets a target's attribute to the raw JSON value v.
func (b bodyTarget) member(v string) string {
	return `"` + b.pointer[strings.LastIndexByte(b.pointer, '/')+1:] + `":` + v
}

// TestBodyControlCharacters refuses a control character in a text attribute with 422
// at its pointer, on both engines alike, and changes nothing.
func TestBodyControlCharacters(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		for _, tg := range bodyTargets(t, s) {
			for _, v := range []string{`"Ann\u0000Lee"`, `"Ann\u001fLee"`, `"Ann\u007fLee"`, `"Ann\bLee"`} {
				t.Run(tg.name+" "+v, func(t *testing.T) {
					before := tg.read(t)
					resp := rsDo(t, s.Admin, "PATCH", tg.path, tg.wrap(tg.member(v)), client.MediaType)
					o := rsOnly(t, rsErrorDoc(t, resp, http.StatusUnprocessableEntity), "control_character")
					if o.Source == nil || o.Source.Pointer != tg.pointer {
						t.Fatalf("source=%+v, want pointer %s", o.Source, tg.pointer)
					}
					if after := tg.read(t); after != before {
						t.Fatalf("attribute=%q after the refused change, want %q", after, before)
					}
				})
			}
		}
		t.Run("key", func(t *testing.T) {
			tg := bodyTargets(t, s)[2]
			resp := rsDo(t, s.Admin, "PATCH", tg.path, tg.wrap(`"na\u0000me":"x"`), client.MediaType)
			o := rsOnly(t, rsErrorDoc(t, resp, http.StatusUnprocessableEntity), "control_character_in_name")
			if o.Source == nil || o.Source.Pointer != "/data/attributes/na\x00me" {
				t.Fatalf("source=%+v, want the member's pointer", o.Source)
			}
		})
		t.Run("tab and newlines", func(t *testing.T) {
			tg := bodyTargets(t, s)[2]
			resp := rsDo(t, s.Admin, "PATCH", tg.path, tg.wrap(tg.member(`"Ann\tLee"`)), client.MediaType)
			if resp.StatusCode == http.StatusUnprocessableEntity && strings.Contains(string(resp.Body), "control_character") {
				t.Fatalf("a tab was refused as a control character: %s", resp.Body)
			}
		})
	})
}

// TestBodyStrictMembers answers a duplicate member with 400 and a member that differs
// from a known one only in case with 422, both at their pointers, invalid UTF-8 and
// nesting too deep with 400, and changes nothing.
func TestBodyStrictMembers(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		tg := bodyTargets(t, s)[2] // the manager
		before := tg.read(t)
		cases := []struct {
			name, body, code, pointer string
			status                    int
		}{
			{"duplicate", tg.wrap(`"name":"First","name":"Second"`), "duplicate_member", "/data/attributes/name", 400},
			{"duplicate envelope", `{"data":{"attributes":{}},"data":{"attributes":{"name":"Second"}}}`, "duplicate_member", "/data", 400},
			{"case", tg.wrap(`"Name":"Second"`), "member_case", "/data/attributes/Name", 422},
			{"case envelope", `{"Data":{"attributes":{"name":"Second"}}}`, "member_case", "/Data", 422},
			{"invalid UTF-8", tg.wrap("\"name\":\"Sec\xffond\""), "invalid_utf8", "", 400},
			{"too deep", tg.wrap(`"name":"Second","x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100)), "too_deep", "", 400},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				resp := rsDo(t, s.Admin, "PATCH", tg.path, c.body, client.MediaType)
				o := rsOnly(t, rsErrorDoc(t, resp, c.status), c.code)
				if c.pointer == "" && o.Source != nil || c.pointer != "" && (o.Source == nil || o.Source.Pointer != c.pointer) {
					t.Fatalf("source=%+v, want pointer %q", o.Source, c.pointer)
				}
				if after := tg.read(t); after != before {
					t.Fatalf("name=%q after the refused change, want %q", after, before)
				}
			})
		}
	})
}

// TestBodyCharset accepts only UTF-8 bodies, JSON and YAML alike.
func TestBodyCharset(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		tg := bodyTargets(t, s)[2]
		body := tg.wrap(tg.member(`"Charset Check"`))
		for _, ct := range []string{"application/vnd.api+json; charset=utf-16", "application/json; charset=latin1",
			"application/vnd.api+json; charset=\"\""} {
			t.Run(ct, func(t *testing.T) {
				rsOnly(t, rsErrorDoc(t, rsDo(t, s.Admin, "PATCH", tg.path, body, ct), http.StatusUnsupportedMediaType),
					"unsupported_media_type")
			})
		}
		t.Run("yaml", func(t *testing.T) {
			resp := rsDo(t, s.Admin, "PUT", "/api/v3/resellers/1/catalog?dry_run=true", "categories: []\n", "application/yaml; charset=utf-16")
			rsOnly(t, rsErrorDoc(t, resp, http.StatusUnsupportedMediaType), "unsupported_media_type")
			resp = rsDo(t, s.Admin, "PUT", "/api/v3/resellers/1/catalog?dry_run=true", "categories: []\n", "application/yaml; charset=UTF-8")
			if resp.StatusCode == http.StatusUnsupportedMediaType {
				t.Fatalf("charset=UTF-8 refused: %s", resp.Body)
			}
		})
		for _, ct := range []string{"application/vnd.api+json; charset=UTF-8", "application/json;charset=\"utf-8\""} {
			t.Run(ct, func(t *testing.T) {
				if resp := rsDo(t, s.Admin, "PATCH", tg.path, body, ct); resp.StatusCode != http.StatusOK {
					t.Fatalf("status=%d, want 200 (body %s)", resp.StatusCode, resp.Body)
				}
			})
		}
	})
}

// TestBodyUnreadable answers a body that cannot be read with 400, never 500: broken
// chunked encoding, and a body shorter than its Content-Length.
func TestBodyUnreadable(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		tg := bodyTargets(t, s)[2]
		body := tg.wrap(tg.member(`"Never Read"`))
		head := "PATCH " + tg.path + " HTTP/1.1\r\nHost: cascade.test\r\nX-Api-Token: " + s.token +
			"\r\nContent-Type: " + client.MediaType + "\r\n"
		cases := map[string]string{
			"chunk size":  head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + body + "\r\n0\r\n\r\n",
			"chunk end":   head + "Transfer-Encoding: chunked\r\n\r\n" + strconv.FormatInt(int64(len(body)), 16) + "\r\n" + body + "XX0\r\n\r\n",
			"short body":  head + "Content-Length: " + strconv.Itoa(len(body)+50) + "\r\n\r\n" + body,
			"cut chunked": head + "Transfer-Encoding: chunked\r\n\r\n400\r\n" + body,
		}
		before := tg.read(t)
		for name, raw := range cases {
			t.Run(name, func(t *testing.T) {
				resp := rawExchange(t, s, raw, true)
				rsOnly(t, rsErrorDoc(t, resp, http.StatusBadRequest), "body_unreadable")
				if after := tg.read(t); after != before {
					t.Fatalf("name=%q after an unreadable body, want %q", after, before)
				}
			})
		}
	})
}

// rawExchange writes request to the server over a new connection and reads one
// answer. With closeWrite the client then shuts its side, as a client that has sent
// all it ever will.
func rawExchange(t *testing.T, s *server, request string, closeWrite bool) *client.Response {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL(), "http://"))
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatalf("write request: %v", err)
	}
	if closeWrite {
		conn.(*net.TCPConn).CloseWrite()
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read answer: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read answer body: %v", err)
	}
	return &client.Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: b}
}
