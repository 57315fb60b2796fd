// Command rawpgx is the PostgreSQL ceiling of the load benchmark: a net/http server
// that answers GET /api/v3/resellers/{id} with nothing but pgx, as a hand-written
// service would. It checks the X-Api-Token against the one token it knows (by its
// SHA-256, as Cascade's token cache does, so no query), runs the very SQL text
// Cascade runs for the request (store.ResellerByIDSQL) on a pgx pool of the same size
// and statement cache mode, and renders the row as the same JSON:API document with
// encoding/json. Whatever Cascade spends beyond it is Cascade's own work.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cascade-billing/cascade/internal/store"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18082", "listen address")
	dbURL := flag.String("db", "", "postgres://... URL of the database Cascade serves (required)")
	size := flag.Int("pool", store.DefaultPoolSize(store.Postgres, runtime.GOMAXPROCS(0)), "pool size; Cascade's default")
	flag.Parse()
	token := os.Getenv("CASCADE_ADMIN_TOKEN") // the benchmark's token, never a flag
	if *dbURL == "" || token == "" {
		log.Fatal("rawpgx: want -db and CASCADE_ADMIN_TOKEN")
	}
	cfg, err := pgxpool.ParseConfig(*dbURL)
	if err != nil {
		log.Fatalf("rawpgx: %v", err)
	}
	cfg.MaxConns = int32(*size)
	cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheStatement
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		log.Fatalf("rawpgx: %v", err)
	}
	defer pool.Close()
	h := &handler{pool: pool, token: sha256.Sum256([]byte(token)), query: store.ResellerByIDSQL()}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v3/resellers/{id}", h.getReseller)
	log.Printf("rawpgx: serving on %s with a pool of %d", *addr, *size)
	log.Fatal(http.ListenAndServe(*addr, mux))
}

type handler struct {
	pool  *pgxpool.Pool
	token [sha256.Size]byte
	query string
}

func (h *handler) getReseller(w http.ResponseWriter, r *http.Request) {
	if sha256.Sum256([]byte(r.Header.Get("X-Api-Token"))) != h.token {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	row, err := h.reseller(r.Context(), id)
	if err != nil {
		if err == pgx.ErrNoRows {
			http.NotFound(w, r)
			return
		}
		log.Printf("rawpgx: reseller %d: %v", id, err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	body, err := json.Marshal(row.document())
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("X-Request-Id", "rawpgx")
	w.Header().Set("Content-Type", "application/vnd.api+json")
	w.Write(body)
}

// reseller reads the row of reseller id.
func (h *handler) reseller(ctx context.Context, id int64) (*resellerRow, error) {
	var row resellerRow
	if err := h.pool.QueryRow(ctx, h.query, id).Scan(row.dest()...); err != nil {
		return nil, err
	}
	return &row, nil
}

// resellerRow holds the columns of store.ResellerByIDSQL in their order: the
// reseller, then its manager, whose columns are NULL when it has none.
type resellerRow struct {
	id, parentID                                    int64
	path, name, domain, currency                    string
	managerID, generalUpdated                       int64
	coName, coAddress1, coAddress2, coCity, coState string
	coZip, coCountry, coPhone, coFax, coEmail       string
	companyUpdated                                  int64
	ctFirst, ctLast, ctMiddle, ctPosition, ctPhone  string
	ctEmail                                         string
	contactsUpdated                                 int64
	custom                                          string
	created, updated                                int64
	mID, mReseller, mRoleID, mCreated, mUpdated     *int64
	mName, mEmail, mStatus, mRole, mRoleName        *string
	mPhone, mPhoto, mKey, mCustom                   *string
	mMFA                                            *bool
}

func (r *resellerRow) dest() []any {
	return []any{&r.id, &r.parentID, &r.path, &r.name, &r.domain, &r.currency, &r.managerID, &r.generalUpdated,
		&r.coName, &r.coAddress1, &r.coAddress2, &r.coCity, &r.coState, &r.coZip, &r.coCountry, &r.coPhone,
		&r.coFax, &r.coEmail, &r.companyUpdated,
		&r.ctFirst, &r.ctLast, &r.ctMiddle, &r.ctPosition, &r.ctPhone, &r.ctEmail, &r.contactsUpdated,
		&r.custom, &r.created, &r.updated,
		&r.mID, &r.mReseller, &r.mName, &r.mEmail, &r.mStatus, &r.mRole, &r.mRoleID, &r.mRoleName,
		&r.mPhone, &r.mPhoto, &r.mKey, &r.mMFA, &r.mCustom, &r.mCreated, &r.mUpdated}
}

// The document, field for field in the order Cascade writes them.
type (
	document struct {
		Data resource `json:"data"`
	}
	resource struct {
		ID         string     `json:"id"`
		Type       string     `json:"type"`
		Attributes attributes `json:"attributes"`
	}
	attributes struct {
		stamps
		ParentID int64             `json:"parent_id"`
		General  general           `json:"general"`
		Company  company           `json:"company"`
		Contacts contacts          `json:"contacts"`
		Manager  *manager          `json:"manager,omitempty"`
		Custom   map[string]string `json:"custom_attributes"`
	}
	stamps struct {
		CreatedAt string `json:"created_at"`
		UpdatedAt string `json:"updated_at"`
	}
	general struct {
		stamps
		Name     string `json:"name"`
		Domain   string `json:"domain"`
		Manager  string `json:"manager"`
		Currency string `json:"currency"`
	}
	company struct {
		stamps
		City         string `json:"city"`
		Zip          string `json:"zip"`
		Country      string `json:"country"`
		Fax          string `json:"fax"`
		Name         string `json:"name"`
		AddressLine1 string `json:"address_line_1"`
		AddressLine2 string `json:"address_line_2"`
		State        string `json:"state"`
		Phone        string `json:"phone"`
		Email        string `json:"email"`
	}
	contacts struct {
		stamps
		FirstName  string `json:"first_name"`
		LastName   string `json:"last_name"`
		MiddleName string `json:"middle_name"`
		Position   string `json:"position"`
		Phone      string `json:"phone"`
		Email      string `json:"email"`
	}
	manager struct {
		stamps
		ResellerID int64             `json:"reseller_id"`
		ID         int64             `json:"id"`
		Name       string            `json:"name"`
		Status     string            `json:"status"`
		Email      string            `json:"email"`
		Role       string            `json:"role"`
		Phone      string            `json:"phone"`
		Photo      *string           `json:"photo"`
		Key        string            `json:"manager_key"`
		Custom     map[string]string `json:"custom_attributes"`
	}
)

func (r *resellerRow) document() document {
	a := attributes{
		stamps:   stamped(r.created, r.updated),
		ParentID: r.parentID,
		General:  general{stamps: stamped(r.created, r.generalUpdated), Name: r.name, Domain: r.domain, Currency: r.currency},
		Company: company{stamps: stamped(r.created, r.companyUpdated), City: r.coCity, Zip: r.coZip,
			Country: r.coCountry, Fax: r.coFax, Name: r.coName, AddressLine1: r.coAddress1,
			AddressLine2: r.coAddress2, State: r.coState, Phone: r.coPhone, Email: r.coEmail},
		Contacts: contacts{stamps: stamped(r.created, r.contactsUpdated), FirstName: r.ctFirst, LastName: r.ctLast,
			MiddleName: r.ctMiddle, Position: r.ctPosition, Phone: r.ctPhone, Email: r.ctEmail},
		Custom: customAttributes(r.custom),
	}
	if r.mID != nil {
		m := &manager{stamps: stamped(*r.mCreated, *r.mUpdated), ResellerID: *r.mReseller, ID: *r.mID,
			Name: *r.mName, Status: *r.mStatus, Email: *r.mEmail, Role: *r.mRole, Phone: *r.mPhone,
			Key: *r.mKey, Custom: customAttributes(*r.mCustom)}
		if *r.mPhoto != "" {
			m.Photo = r.mPhoto
		}
		a.Manager = m
		a.General.Manager = m.Name
	}
	return document{Data: resource{ID: strconv.FormatInt(r.id, 10), Type: "resellers", Attributes: a}}
}

const apiTime = "2006-01-02T15:04:05.000-07:00"

func stamped(created, updated int64) stamps {
	return stamps{CreatedAt: time.UnixMicro(created).UTC().Format(apiTime),
		UpdatedAt: time.UnixMicro(updated).UTC().Format(apiTime)}
}

func customAttributes(text string) map[string]string {
	m := map[string]string{}
	json.Unmarshal([]byte(text), &m) // a column of JSON objects of strings
	return m
}
