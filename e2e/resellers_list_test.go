package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

// TestChildResellersAllDownstream lists every level below a reseller, never the
// reseller itself; the Customer Store list is relative to the token's reseller.
func TestChildResellersAllDownstream(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		tr := rsBuildTree(t, s)
		leafClient := s.client(mustCreateManager(t, s.Admin, tr.Leaf.ID, "sales").APIToken)
		all := []int64{tr.Mid.ID, tr.Low.ID, tr.Leaf.ID, tr.Low2.ID, tr.Side.ID, tr.SideLow.ID}
		midDown := []int64{tr.Low.ID, tr.Leaf.ID, tr.Low2.ID}

		cases := []struct {
			name string
			c    *client.Client
			of   int64 // 0: the Customer Store list
			want []int64
		}{
			{"operator below itself", s.Admin, domain.OperatorID, all},
			{"operator below Mid", s.Admin, tr.Mid.ID, midDown},
			{"operator below Low", s.Admin, tr.Low.ID, []int64{tr.Leaf.ID}},
			{"operator below Leaf", s.Admin, tr.Leaf.ID, nil},
			{"operator below Side", s.Admin, tr.Side.ID, []int64{tr.SideLow.ID}},
			{"operator store list", s.Admin, 0, all},
			{"Mid below itself", tr.MidClient, tr.Mid.ID, midDown},
			{"Mid below Low", tr.MidClient, tr.Low.ID, []int64{tr.Leaf.ID}},
			{"Mid store list", tr.MidClient, 0, midDown},
			{"Leaf store list", leafClient, 0, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				var (
					page *client.Page[client.Reseller]
					err  error
				)
				if c.of == 0 {
					page, err = c.c.ListStoreResellers(ctx, nil)
				} else {
					page, err = c.c.ListChildResellers(ctx, c.of, nil)
				}
				if err != nil {
					t.Fatal(err)
				}
				// Without a sort the list is in id order, which here is creation order.
				if got := rsIDs(page.Items); !slices.Equal(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
					t.Fatalf("ids=%v, want %v", got, c.want)
				}
				if page.TotalCount != len(c.want) {
					t.Fatalf("total_count=%d, want %d", page.TotalCount, len(c.want))
				}
				if c.of != 0 && slices.Contains(rsIDs(page.Items), c.of) {
					t.Fatalf("the list below %d holds %d itself", c.of, c.of)
				}
			})
		}
	})
}

// rsListDoc is a list answer read raw, to follow its links.
type rsListDoc struct {
	Data []struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	} `json:"data"`
	Links client.Links `json:"links"`
	Meta  struct {
		TotalCount *int `json:"total_count"`
	} `json:"meta"`
}

// rsFollow fetches a link of a list answer.
func rsFollow(t *testing.T, s *server, link string) rsListDoc {
	t.Helper()
	path, ok := strings.CutPrefix(link, s.URL())
	if !ok {
		t.Fatalf("link %q is not on the server %s", link, s.URL())
	}
	resp := rsDo(t, s.Admin, "GET", path, "", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status=%d, want 200: %s", link, resp.StatusCode, resp.Body)
	}
	var doc rsListDoc
	if err := json.Unmarshal(resp.Body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Meta.TotalCount == nil {
		t.Fatalf("GET %s: no meta.total_count", link)
	}
	return doc
}

func rsStr(p *string) string {
	if p == nil {
		return "null"
	}
	return *p
}

// TestChildResellersPagination walks the pages of child_resellers: links, the last
// page, a page past the end and the default page size.
func TestChildResellersPagination(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		var ids []int64
		for i := range 5 {
			cur := "EUR"
			if i == 2 {
				cur = "USD"
			}
			r := rsCreate(t, s.Admin, domain.OperatorID, rsInput("Page "+strconv.Itoa(i), unique("page")+".example.com", cur))
			ids = append(ids, r.ID)
		}
		base := s.URL() + "/api/v3/resellers/1/child_resellers"
		link := func(number, size int) string {
			return base + "?page[number]=" + strconv.Itoa(number) + "&page[size]=" + strconv.Itoa(size)
		}
		ptr := func(s string) *string { return &s }

		cases := []struct {
			number     int
			want       []int64
			prev, next *string
		}{
			{1, ids[0:2], nil, ptr(link(2, 2))},
			{2, ids[2:4], ptr(link(1, 2)), ptr(link(3, 2))},
			{3, ids[4:5], ptr(link(2, 2)), nil}, // the last page, not full
			{4, nil, ptr(link(3, 2)), nil},      // just past the end
			{9, nil, ptr(link(3, 2)), nil},      // far past the end
		}
		for _, c := range cases {
			t.Run("page "+strconv.Itoa(c.number), func(t *testing.T) {
				page, err := s.Admin.ListChildResellers(ctx, domain.OperatorID, &client.ListOptions{PageNumber: c.number, PageSize: 2})
				if err != nil {
					t.Fatal(err)
				}
				if got := rsIDs(page.Items); !slices.Equal(got, c.want) && len(got)+len(c.want) > 0 {
					t.Fatalf("ids=%v, want %v", got, c.want)
				}
				if page.TotalCount != 5 {
					t.Fatalf("total_count=%d, want 5", page.TotalCount)
				}
				l := page.Links
				if l.Self != link(c.number, 2) || l.First != link(1, 2) || l.Last != link(3, 2) {
					t.Fatalf("self=%q first=%q last=%q, want %q %q %q", l.Self, l.First, l.Last,
						link(c.number, 2), link(1, 2), link(3, 2))
				}
				// links.next, where a page follows, carries the cursor of the page's
				// last row instead of a page number.
				wantNext := (*string)(nil)
				if c.next != nil {
					wantNext = ptr(base + "?page[after]=" + page.NextCursor + "&page[size]=2")
				}
				if rsStr(l.Prev) != rsStr(c.prev) || rsStr(l.Next) != rsStr(wantNext) || (c.next != nil) != (page.NextCursor != "") {
					t.Fatalf("prev=%s next=%s, want %s %s", rsStr(l.Prev), rsStr(l.Next), rsStr(c.prev), rsStr(wantNext))
				}
			})
		}

		t.Run("page past the end is an empty array", func(t *testing.T) {
			resp := rsDo(t, s.Admin, "GET", "/api/v3/resellers/1/child_resellers?page[number]=4&page[size]=2", "", "")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status=%d, want 200", resp.StatusCode)
			}
			if !strings.Contains(string(resp.Body), `"data":[]`) || !strings.Contains(string(resp.Body), `"next":null`) {
				t.Fatalf("body %s, want data [] and next null", resp.Body)
			}
		})

		t.Run("default page size", func(t *testing.T) {
			page, err := s.Admin.ListChildResellers(ctx, domain.OperatorID, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rsIDs(page.Items), ids) || page.TotalCount != 5 {
				t.Fatalf("ids=%v total=%d, want %v and 5", rsIDs(page.Items), page.TotalCount, ids)
			}
			l := page.Links
			if l.Self != link(1, 50) || l.First != link(1, 50) || l.Last != link(1, 50) || l.Prev != nil || l.Next != nil {
				t.Fatalf("links=%+v (prev %s, next %s), want page 1 of size 50 everywhere and no prev or next",
					l, rsStr(l.Prev), rsStr(l.Next))
			}
		})

		t.Run("largest page size", func(t *testing.T) {
			page, err := s.Admin.ListChildResellers(ctx, domain.OperatorID, &client.ListOptions{PageSize: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Items) != 5 {
				t.Fatalf("items=%d, want 5", len(page.Items))
			}
		})

		t.Run("links keep the other parameters", func(t *testing.T) {
			page, err := s.Admin.ListChildResellers(ctx, domain.OperatorID, &client.ListOptions{PageSize: 2,
				Filter: map[string]string{"currency": "EUR"}, Sort: "-id"})
			if err != nil {
				t.Fatal(err)
			}
			want := base + "?filter[currency]=EUR&page[after]=" + page.NextCursor + "&page[size]=2&sort=-id"
			if got := rsStr(page.Links.Next); got != want {
				t.Fatalf("next=%s, want %s", got, want)
			}
			// Following next to the end visits every match once, in order.
			got := rsIDs(page.Items)
			for next := page.Links.Next; next != nil; {
				doc := rsFollow(t, s, *next)
				if *doc.Meta.TotalCount != 4 {
					t.Fatalf("total_count=%d on %s, want 4", *doc.Meta.TotalCount, *next)
				}
				for _, d := range doc.Data {
					id, _ := strconv.ParseInt(d.ID, 10, 64)
					got = append(got, id)
				}
				next = doc.Links.Next
			}
			want4 := []int64{ids[4], ids[3], ids[1], ids[0]}
			if !slices.Equal(got, want4) {
				t.Fatalf("walked ids=%v, want %v", got, want4)
			}
		})

		t.Run("store list links", func(t *testing.T) {
			page, err := s.Admin.ListStoreResellers(ctx, &client.ListOptions{PageSize: 2, PageNumber: 3})
			if err != nil {
				t.Fatal(err)
			}
			want := s.URL() + "/api/v3/customer_store/resellers?page[number]=2&page[size]=2"
			if rsStr(page.Links.Prev) != want || page.Links.Next != nil || len(page.Items) != 1 {
				t.Fatalf("prev=%s next=%s items=%d, want %s, null and 1", rsStr(page.Links.Prev),
					rsStr(page.Links.Next), len(page.Items), want)
			}
		})
	})
}

// TestChildResellersBadPage refuses page parameters out of range, naming them.
func TestChildResellersBadPage(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		cases := []struct {
			param, value, code, detail string
		}{
			{"page[size]", "0", "invalid_page_size", "page[size] must be an integer from 1 to 1000"},
			{"page[size]", "-1", "invalid_page_size", ""},
			{"page[size]", "1001", "invalid_page_size", ""},
			{"page[size]", "ten", "invalid_page_size", ""},
			{"page[size]", "2.5", "invalid_page_size", ""},
			{"page[size]", "", "invalid_page_size", ""},
			{"page[number]", "0", "invalid_page_number", "page[number] must be an integer of at least 1"},
			{"page[number]", "-2", "invalid_page_number", ""},
			{"page[number]", "first", "invalid_page_number", ""},
			{"page[offset]", "1", "unknown_parameter", "page[offset] is not a parameter of this endpoint"},
		}
		for _, c := range cases {
			t.Run(c.param+"="+c.value, func(t *testing.T) {
				for _, list := range []struct {
					name string
					call func(*client.ListOptions) error
				}{
					{"child_resellers", func(o *client.ListOptions) error {
						_, err := s.Admin.ListChildResellers(ctx, domain.OperatorID, o)
						return err
					}},
					{"customer_store", func(o *client.ListOptions) error {
						_, err := s.Admin.ListStoreResellers(ctx, o)
						return err
					}},
				} {
					err := list.call(&client.ListOptions{Query: url.Values{c.param: {c.value}}})
					e := apiError(t, err, http.StatusBadRequest)
					o := rsOnly(t, e, c.code)
					if !hasParameter(e, c.param) {
						t.Fatalf("%s: source=%+v, want parameter %s", list.name, o.Source, c.param)
					}
					if c.detail != "" && o.Detail != c.detail {
						t.Fatalf("%s: detail=%q, want %q", list.name, o.Detail, c.detail)
					}
				}
			})
		}
	})
}

// TestResellerIncludeParent links each reseller to its parent and includes the
// parents the token may see, each once and never one already in data.
func TestResellerIncludeParent(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		tr := rsBuildTree(t, s)
		parentOf := map[int64]int64{tr.Mid.ID: 1, tr.Low.ID: tr.Mid.ID, tr.Leaf.ID: tr.Low.ID,
			tr.Low2.ID: tr.Mid.ID, tr.Side.ID: 1, tr.SideLow.ID: tr.Side.ID}

		checkLinks := func(t *testing.T, items []client.Reseller) {
			t.Helper()
			for _, r := range items {
				rel, ok := r.Relationships["parent"]
				if !ok || rel.Data == nil {
					t.Fatalf("reseller %d: relationships=%+v, want parent", r.ID, r.Relationships)
				}
				want := client.Identifier{Type: "resellers", ID: strconv.FormatInt(parentOf[r.ID], 10)}
				if *rel.Data != want {
					t.Fatalf("reseller %d: parent=%+v, want %+v", r.ID, *rel.Data, want)
				}
			}
		}
		includedIDs := func(inc []client.Resource) []string {
			var out []string
			for _, r := range inc {
				if r.Type != "resellers" {
					t.Fatalf("included type=%q, want resellers", r.Type)
				}
				out = append(out, r.ID)
			}
			slices.Sort(out)
			return out
		}
		id := func(ids ...int64) []string {
			var out []string
			for _, v := range ids {
				out = append(out, strconv.FormatInt(v, 10))
			}
			slices.Sort(out)
			return out
		}

		cases := []struct {
			name   string
			c      *client.Client
			of     int64 // 0: the Customer Store list
			opts   *client.ListOptions
			wantIn []string
		}{
			{"operator, every level", s.Admin, 1, &client.ListOptions{Include: []string{"parent"}}, id(1)},
			{"operator, one page", s.Admin, 1, &client.ListOptions{Include: []string{"parent"}, PageSize: 1, PageNumber: 3},
				id(tr.Low.ID)},
			{"Mid, store list", tr.MidClient, 0, &client.ListOptions{Include: []string{"parent"}}, id(tr.Mid.ID)},
			{"Mid, below Low", tr.MidClient, tr.Low.ID, &client.ListOptions{Include: []string{"parent", "parent"}},
				id(tr.Low.ID)},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				var (
					page *client.Page[client.Reseller]
					err  error
				)
				if c.of == 0 {
					page, err = c.c.ListStoreResellers(ctx, c.opts)
				} else {
					page, err = c.c.ListChildResellers(ctx, c.of, c.opts)
				}
				if err != nil {
					t.Fatal(err)
				}
				if len(page.Items) == 0 {
					t.Fatal("no items")
				}
				checkLinks(t, page.Items)
				if got := includedIDs(page.Included); !slices.Equal(got, c.wantIn) {
					t.Fatalf("included=%v, want %v", got, c.wantIn)
				}
			})
		}

		t.Run("single reseller", func(t *testing.T) {
			r, err := s.Admin.GetReseller(ctx, tr.Low.ID, client.WithInclude("parent"))
			if err != nil {
				t.Fatal(err)
			}
			checkLinks(t, []client.Reseller{*r})
			if len(r.Included) != 1 || r.Included[0].ID != strconv.FormatInt(tr.Mid.ID, 10) {
				t.Fatalf("included=%+v, want Mid", r.Included)
			}
			var parent client.Reseller
			if err := json.Unmarshal(r.Included[0].Attributes, &parent); err != nil {
				t.Fatal(err)
			}
			if parent.General.Name != tr.Mid.General.Name || parent.ParentID == nil || *parent.ParentID != 1 {
				t.Fatalf("included attributes=%+v, want Mid's", parent)
			}
		})
		t.Run("parent above the token's reseller is linked, not included", func(t *testing.T) {
			r, err := tr.MidClient.GetStoreReseller(ctx, tr.Mid.ID, client.WithInclude("parent"))
			if err != nil {
				t.Fatal(err)
			}
			checkLinks(t, []client.Reseller{*r})
			if len(r.Included) != 0 {
				t.Fatalf("included=%+v, want nothing: the operator is above Mid", r.Included)
			}
		})
		t.Run("operator has a null parent", func(t *testing.T) {
			resp := rsDo(t, s.Admin, "GET", "/api/v3/resellers/1?include=parent", "", "")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status=%d, want 200", resp.StatusCode)
			}
			body := string(resp.Body)
			if !strings.Contains(body, `"relationships":{"parent":{"data":null}}`) || strings.Contains(body, `"included"`) {
				t.Fatalf("body %s, want a null parent and no included", body)
			}
		})
		t.Run("no include, no relationships", func(t *testing.T) {
			resp := rsDo(t, s.Admin, "GET", "/api/v3/resellers/1/child_resellers", "", "")
			if strings.Contains(string(resp.Body), `"relationships"`) || strings.Contains(string(resp.Body), `"included"`) {
				t.Fatalf("body %s, want neither relationships nor included", resp.Body)
			}
		})
		t.Run("ErrUnknownInclude", func(t *testing.T) {
			for _, path := range []string{"/api/v3/resellers/1?include=children",
				"/api/v3/customer_store/resellers/1?include=parent,manager",
				"/api/v3/resellers/1/child_resellers?include=children",
				"/api/v3/customer_store/resellers?include=accounts"} {
				e := rsErrorDoc(t, rsDo(t, s.Admin, "GET", path, "", ""), http.StatusBadRequest)
				o := rsOnly(t, e, "unknown_include")
				if !hasParameter(e, "include") {
					t.Fatalf("%s: source=%+v, want parameter include", path, o.Source)
				}
			}
		})
	})
}
