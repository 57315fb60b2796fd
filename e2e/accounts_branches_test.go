package e2e

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// acBranches is a reseller tree with one customer in every branch: parent above two
// siblings a and b, and child below a. Sales is a sales person of a, the caller
// that tries to reach users of the other branches.
type acBranches struct {
	parent, a, b, child *client.Reseller
	sales               *client.Client
	// Owners of one account in each reseller, by reseller name.
	owners map[string]int64
	// mine are the user ids of reseller a.
	mine map[int64]bool
}

func acNewBranches(t *testing.T, s *server) *acBranches {
	t.Helper()
	br := &acBranches{owners: map[string]int64{}, mine: map[int64]bool{}}
	br.parent = mustCreateReseller(t, s.Admin, 1, "Branch Parent")
	br.a = mustCreateReseller(t, s.Admin, br.parent.ID, "Branch A")
	br.b = mustCreateReseller(t, s.Admin, br.parent.ID, "Branch B")
	br.child = mustCreateReseller(t, s.Admin, br.a.ID, "Branch A Child")
	br.sales = s.client(mustCreateManager(t, s.Admin, br.a.ID, "sales").APIToken)
	for name, rid := range map[string]int64{"operator": 1, "parent": br.parent.ID, "a": br.a.ID,
		"b": br.b.ID, "child": br.child.ID} {
		acc := acMustCreate(t, s.Admin, rid, acPerson("Customer", "Of "+name))
		br.owners[name] = *acc.OwnerID
	}
	br.mine[br.owners["a"]] = true
	return br
}

// createBody is the raw body of an account of a whose Owner and technical contact
// are the user with the given id.
func (br *acBranches) createBody(email string, userID int64, tech bool) string {
	attrs := map[string]any{"account_type_id": acPersonal, "first_name": "Eve", "last_name": "Probe",
		"email": email, "owner_id": userID}
	if tech {
		attrs["tech_user_id"] = userID
	}
	b, _ := json.Marshal(map[string]any{"data": map[string]any{"attributes": attrs}})
	return string(b)
}

// TestAccountOwnerOfAnotherReseller checks that owner_id naming a user of any other
// reseller (a sibling branch, the reseller above, the one below, the operator)
// answers exactly like a missing user and creates nothing, also when the same id is
// given as the technical contact.
func TestAccountOwnerOfAnotherReseller(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		br := acNewBranches(t, s)
		path := "/api/v3/resellers/" + strconv.FormatInt(br.a.ID, 10) + "/accounts"
		for _, tech := range []bool{false, true} {
			email := unique("probe.") + "@example.com"
			resp := mgDo(t, br.sales, "POST", path, br.createBody(email, 987654, tech))
			e := mgErrorOf(t, resp, 422)
			if !acHasError(e, "/data/attributes/owner_id", "unknown_user") {
				t.Fatalf("missing owner: %+v", e.Errors)
			}
			missing := resp.Body
			for _, name := range []string{"b", "parent", "child", "operator"} {
				got := mgDo(t, br.sales, "POST", path, br.createBody(email, br.owners[name], tech))
				if got.StatusCode != 422 || string(got.Body) != string(missing) {
					t.Errorf("owner of %s (tech %v): %d %s, want the missing user's 422 %s",
						name, tech, got.StatusCode, got.Body, missing)
				}
			}
			if p := acList(t, br.sales, br.a.ID, map[string]string{"email": email}, ""); p.TotalCount != 0 {
				t.Errorf("tech %v: %d accounts created with foreign owners, want none", tech, p.TotalCount)
			}
		}
	})
}

// TestAccountUserEnumeration walks every user id of the installation with one sales
// token: each id that is not a user of the token's reseller answers exactly like an
// id that does not exist, so the ids tell nothing about other resellers' users.
func TestAccountUserEnumeration(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		br := acNewBranches(t, s)
		path := "/api/v3/resellers/" + strconv.FormatInt(br.a.ID, 10) + "/accounts"
		email := unique("walk.") + "@example.com"
		var last int64
		for _, id := range br.owners {
			last = max(last, id)
		}
		missing := mgDo(t, br.sales, "POST", path, br.createBody(email, last+1000, false))
		if missing.StatusCode != 422 {
			t.Fatalf("missing user: %d %s, want 422", missing.StatusCode, missing.Body)
		}
		for id := int64(1); id <= last+2; id++ {
			if br.mine[id] {
				continue
			}
			got := mgDo(t, br.sales, "POST", path, br.createBody(email, id, false))
			if got.StatusCode != missing.StatusCode || string(got.Body) != string(missing.Body) {
				t.Errorf("user %d: %d %s, want the missing user's answer %s", id, got.StatusCode, got.Body, missing.Body)
			}
		}
		if p := acList(t, br.sales, br.a.ID, map[string]string{"email": email}, ""); p.TotalCount != 0 {
			t.Errorf("%d accounts created while walking user ids, want none", p.TotalCount)
		}
	})
}

// TestAccountTechUserOfAnotherReseller checks that a user of another reseller cannot
// become an account's technical contact: the answer is the one for a missing user.
func TestAccountTechUserOfAnotherReseller(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		br := acNewBranches(t, s)
		acc := acMustCreate(t, br.sales, br.a.ID, acPerson("Tech", "Target"))
		patch := func(userID int64) error {
			_, err := br.sales.UpdateAccount(ctx, br.a.ID, acc.ID, client.AccountInput{
				AccountTypeID: client.Int(acPersonal), TechUserID: client.Int(userID)})
			return err
		}
		text := func(e *client.Error) string {
			b, _ := json.Marshal(e.Errors)
			return string(b)
		}
		missing := text(apiError(t, patch(987654), 422))
		for _, name := range []string{"b", "parent", "child", "operator"} {
			if got := text(apiError(t, patch(br.owners[name]), 422)); got != missing {
				t.Errorf("tech user of %s: %s, want the missing user's %s", name, got, missing)
			}
		}
		if got, err := br.sales.GetAccount(ctx, br.a.ID, acc.ID); err != nil || got.TechUserID != nil {
			t.Errorf("account after refused patches: tech user %v, err %v; want none", got.TechUserID, err)
		}
		// The account's own Owner is accepted, so the refusals above are about the branch.
		if err := patch(*acc.OwnerID); err != nil {
			t.Errorf("own owner as technical contact: %v", err)
		}
	})
}

// TestAccountSameEmailInTwoBranches creates customers with one e-mail in two sibling
// resellers: each gets a user of its own reseller, and each account's login token
// signs in only its own reseller's user.
func TestAccountSameEmailInTwoBranches(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		br := acNewBranches(t, s)
		in := acPerson("Shared", "Mail")
		inA := acMustCreate(t, s.Admin, br.a.ID, in)
		inB := acMustCreate(t, s.Admin, br.b.ID, in)
		if *inA.OwnerID == *inB.OwnerID {
			t.Fatalf("accounts of two resellers share the owner %d", *inA.OwnerID)
		}
		// Within one reseller the e-mail still names one user.
		again := acMustCreate(t, s.Admin, br.a.ID, in)
		if *again.OwnerID != *inA.OwnerID {
			t.Errorf("second account of a with the e-mail: owner %d, want %d", *again.OwnerID, *inA.OwnerID)
		}
		for _, acc := range []*client.Account{inA, inB} {
			tok, err := s.Admin.GetLoginToken(ctx, acc.ResellerID, acc.ID)
			if err != nil {
				t.Fatal(err)
			}
			if tok.OwnerEmail != *in.Email {
				t.Errorf("token e-mail %q, want %q", tok.OwnerEmail, *in.Email)
			}
			got, err := s.Admin.SignIn(ctx, tok.OwnerEmail, tok.OwnerToken)
			if err != nil {
				t.Fatalf("sign in to account %d: %v", acc.ID, err)
			}
			if got.AccountID != acc.ID || got.User.ID != *acc.OwnerID {
				t.Errorf("token of account %d of reseller %d signed in user %d to %d, want user %d",
					acc.ID, acc.ResellerID, got.User.ID, got.AccountID, *acc.OwnerID)
			}
		}
		// The sales token of a cannot reach b's user, neither by id nor by sign-in.
		_, err := br.sales.CreateAccount(ctx, br.a.ID, client.AccountInput{AccountTypeID: client.Int(acPersonal),
			FirstName: client.String("Eve"), LastName: client.String("Probe"),
			Email: client.String(unique("eve.") + "@example.com"), OwnerID: inB.OwnerID})
		acWantErrors(t, err, map[string]string{"owner_id": "unknown_user"})
	})
}
