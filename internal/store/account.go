package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// accountColumns selects an account (alias a) with its class (alias ac).
const accountColumns = `a.id, a.reseller_id, a.account_type_id,
	ac.id, ac.key, ac.name, ac.charging_model, ac.credit_limit, ac.subzero_period, ac.is_default,
	a.name, a.primary_name, a.first_name, a.middle_name, a.last_name, a.email,
	a.country, a.region, a.city, a.street, a.building, a.office, a.zip, a.phone, a.inn, a.status,
	COALESCE(a.manager_id, 0), COALESCE(a.owner_id, 0), COALESCE(a.tech_user_id, 0), a.currency,
	a.balance, a.blocked, a.credit_limit, a.credit_limit_use_system, COALESCE(a.external_key, ''),
	a.custom_attributes, a.created_at, a.updated_at, a.negative_since`

const accountFrom = `FROM accounts a JOIN account_classes ac ON ac.key = a.account_class_key`

// accountFields maps the API's filter and sort fields of accounts to columns.
// user_email is not a column: FindAccounts turns it into a subquery.
var accountFields = map[string]column{
	"id":           {expr: "a.id"},
	"reseller_id":  {expr: "a.reseller_id"},
	"name":         {expr: "a.name", folded: "a.name_folded", search: "accounts_name_fts", pending: notedAccountsLike},
	"email":        {expr: "a.email"},
	"inn":          {expr: "a.inn"},
	"external_key": {expr: "a.external_key"},
	"status":       {expr: "a.status"},
	"manager_id":   {expr: "a.manager_id"},
	"created_at":   {expr: "a.created_at"},
	"updated_at":   {expr: "a.updated_at"},
}

func scanAccount(s scanner, extra ...any) (*domain.Account, error) {
	var (
		a                                         domain.Account
		cl                                        = &a.Class
		chargingModel, status                     string
		balance, blocked, creditLimit, classLimit int64
		created, updated                          int64
		negativeSince                             sql.NullInt64
		custom                                    attrs
	)
	dest := []any{&a.ID, &a.ResellerID, &a.AccountTypeID,
		&cl.ID, &cl.Key, &cl.Name, &chargingModel, &classLimit, &cl.SubzeroPeriod, &cl.Default,
		&a.Name, &a.PrimaryName, &a.FirstName, &a.MiddleName, &a.LastName, &a.Email,
		&a.Country, &a.Region, &a.City, &a.Street, &a.Building, &a.Office, &a.Zip, &a.Phone, &a.INN, &status,
		&a.ManagerID, &a.OwnerID, &a.TechUserID, &a.Currency,
		&balance, &blocked, &creditLimit, &a.CreditLimitUseSystem, &a.ExternalKey,
		&custom, &created, &updated, &negativeSince}
	if err := s.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	cl.ChargingModel, cl.CreditLimit = domain.ChargingModel(chargingModel), domain.Amount(classLimit)
	a.Status = domain.AccountStatus(status)
	a.Balance, a.Blocked, a.CreditLimit = domain.Amount(balance), domain.Amount(blocked), domain.Amount(creditLimit)
	a.CustomAttributes = custom
	a.CreatedAt, a.UpdatedAt = fromMicros(created), fromMicros(updated)
	if negativeSince.Valid {
		t := fromMicros(negativeSince.Int64)
		a.NegativeSince = &t
	}
	return &a, nil
}

// FindAccountByID returns the account with the given id, or a not-found error.
func (c *Conn) FindAccountByID(ctx context.Context, id int64) (*domain.Account, error) {
	return c.findAccountByID(c.lookupCtx(ctx), id, "")
}

// FindAccountForUpdate returns the account with the given id, or a not-found error,
// and holds its row until the write transaction ends (see lock.go), for an update
// built on what it read.
func (c *Conn) FindAccountForUpdate(ctx context.Context, id int64) (*domain.Account, error) {
	return readLocked(ctx, c, forUpdate, "accounts", "a", id, c.findAccountByID)
}

// findAccountByID reads an account; lock is a lockClause or empty.
func (c *Conn) findAccountByID(ctx context.Context, id int64, lock string) (*domain.Account, error) {
	return one(ctx, c, domain.NotFound(domain.MsgAccountNotFound), fmt.Sprintf("find account %d", id),
		func(s scanner) (*domain.Account, error) { return scanAccount(s) },
		"SELECT "+accountColumns+" "+accountFrom+" WHERE a.id = $1"+lock, id)
}

// AccountFilter selects accounts of one reseller (ResellerID) or of every reseller
// strictly below a path (Below), matching Query.
type AccountFilter struct {
	ResellerID int64
	Below      string
	Query      domain.ListQuery
}

// FindAccounts returns one page of accounts, the number of all that match and the
// cursor of the next page. The user_email condition selects the accounts a user
// with one of the e-mails belongs to.
func (c *Conn) FindAccounts(ctx context.Context, f AccountFilter) ([]*domain.Account, domain.PageInfo, error) {
	l, b, q := accountListing(c.db.engine, f)
	out, info, err := listRows(ctx, c, l, b, q, func(ids []int64) ([]*domain.Account, error) {
		return c.findAccountsByIDs(ctx, ids)
	})
	if err != nil {
		return nil, info, fmt.Errorf("find accounts: %w", err)
	}
	return out, info, nil
}

func accountID(a *domain.Account) int64 { return a.ID }

// findAccountsByIDs reads the accounts with the given ids, in that order.
func (c *Conn) findAccountsByIDs(ctx context.Context, ids []int64) ([]*domain.Account, error) {
	out, err := byIDs(ctx, c, "SELECT "+accountColumns+" "+accountFrom+" WHERE ", "a.id", ids,
		func(s scanner) (*domain.Account, error) { return scanAccount(s) }, accountID)
	if err != nil {
		return nil, fmt.Errorf("find accounts by id: %w", err)
	}
	return out, nil
}

// accountListing declares the list of accounts f selects: the listing, its scope and
// the query left for it (user_email is a condition of the scope's).
func accountListing(e Engine, f AccountFilter) (listing, *sqlBuilder, domain.ListQuery) {
	b := sqlBuilder{engine: e}
	l := listing{from: "FROM accounts a", id: "a.id", cols: accountFields}
	l.scope(&b, "a", tallyAccounts, f.ResellerID, f.Below)
	q := f.Query
	q.Conditions = nil
	for _, cond := range f.Query.Conditions {
		if cond.Field != "user_email" {
			q.Conditions = append(q.Conditions, cond)
			continue
		}
		b.where = append(b.where, `a.id IN (SELECT au.account_id FROM account_users au
			JOIN users u ON u.id = au.user_id WHERE `+b.in("u.email", cond.Values)+`)`)
		l.tally = tally{} // the condition is in b, not in q
	}
	return l, &b, q
}

// accountInsertColumns begins an INSERT of accounts, naming every column in the
// order of accountRow.
const accountInsertColumns = `INSERT INTO accounts (reseller_id, account_type_id, account_class_key, name,
	primary_name, first_name, middle_name, last_name, email, country, region, city, street, building,
	office, zip, phone, inn, status, manager_id, tech_user_id, currency, balance, credit_limit,
	credit_limit_use_system, external_key, custom_attributes, created_at, updated_at, name_folded, owner_id)`

// accountInsert is the INSERT of an account, every column, taking the reseller's
// currency when $23 is empty; owner is the SQL of the owner_id column, the last one.
// Its reseller is r, which the SELECT that follows must name.
func accountInsert(owner string) string {
	return accountInsertColumns + ` SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
		$21, COALESCE(NULLIF($22, ''), r.currency), $23, $24, $25, $26, $27, $28, $29, $30, ` + owner
}

// referenceAt is the condition that the reference data is at the generation given
// by the parameter p, or that p is 0 (no expectation): see ExpectReference.
func referenceAt(p string) string { return generationIs(ScopeReference, p) }

// createAccountSQL inserts an account whose owner is given ($31), while the
// reference data is at $32 (see ExpectReference).
var createAccountSQL = accountInsert("$31") + ` FROM resellers r WHERE r.id = $1 AND ` + referenceAt("$32") +
	` RETURNING id, currency`

// ErrReferenceMoved is the error of an account create that relied on the reference
// data being at a generation (ExpectReference) which it no longer is: nothing was
// written, and the transaction must be rolled back and run again on the data read
// afresh.
var ErrReferenceMoved = errors.New("account types and classes changed")

// ExpectReference makes the account creates of the transaction write only while
// the reference data (account types and classes, ScopeReference) is at generation
// gen, which their INSERT checks itself: a create that finds it moved writes
// nothing and returns ErrReferenceMoved. A writer that validated an account against
// reference data it holds in memory, read at gen, so needs no read of the
// generation before it writes, in this process or any other sharing the database.
func (c *Conn) ExpectReference(gen int64) { c.referenceGen = gen }

// CreateAccount inserts a and sets its id. The class is referred to by a.Class.Key.
// An empty a.Currency takes the reseller's, read by the INSERT itself, which sets it
// on a; a reseller that does not exist is not found.
func (c *Conn) CreateAccount(ctx context.Context, a *domain.Account) error {
	err := c.row(ctx, createAccountSQL, append(accountRow(a), c.referenceGen), &a.ID, &a.Currency)
	if errors.Is(err, sql.ErrNoRows) {
		return c.noAccountWritten(ctx)
	}
	if err != nil {
		return fmt.Errorf("create account: %w", err)
	}
	return c.accountCreated(ctx, a)
}

// noAccountWritten tells why an account INSERT wrote nothing: the reference data
// moved from the generation expected, or else there is no such reseller.
func (c *Conn) noAccountWritten(ctx context.Context) error {
	if c.referenceGen != 0 {
		var gen int64
		err := c.row(ctx, `SELECT COALESCE(CAST(SUM(generation) AS BIGINT), 0) FROM cache_scopes WHERE scope = $1`,
			[]any{string(ScopeReference)}, &gen)
		if err != nil {
			return fmt.Errorf("create account: %w", err)
		}
		if gen != c.referenceGen {
			return ErrReferenceMoved
		}
	}
	return domain.NotFound(domain.MsgResellerNotFound)
}

// accountWithOwnerCTEs are the parts of the statement that inserts an account with
// its owner and the link between them, for PostgreSQL: the owner user ($31 to $37)
// unless the reseller has a user with its e-mail, which is then the owner, as
// EnsureUser does; the link is AddAccountUser's, as the owner, at the account's
// creation time. It writes only while the reseller exists and the reference data is
// at $38 (see ExpectReference), the user included. When that user exists but is not
// yet visible to the statement (its transaction committed while the INSERT waited
// on its row), no owner is found and nothing is written.
var accountWithOwnerCTEs = `WITH ref AS (SELECT id, currency FROM resellers WHERE id = $1 AND ` + referenceAt("$38") + `),
	new_owner AS (
		INSERT INTO users (reseller_id, email, first_name, middle_name, last_name, status, created_at, updated_at)
		SELECT $1, $31, $32, $33, $34, $35, $36, $37 FROM ref ON CONFLICT (reseller_id, email) DO NOTHING RETURNING id),
	owner AS (SELECT id FROM new_owner UNION ALL SELECT id FROM users WHERE reseller_id = $1 AND email = $31),
	account AS (` + accountInsert("o.id") + ` FROM ref r, (SELECT id FROM owner LIMIT 1) o
		RETURNING id, currency, owner_id, created_at),
	link AS (INSERT INTO account_users (account_id, user_id, access_level, status, created_at, updated_at)
		SELECT id, owner_id, '` + string(domain.AccessLevelOwner) + `', '` + string(domain.UserStatusActive) + `',
		created_at, created_at FROM account)`

// createAccountWithOwnerSQL is the account, its owner and their link in one
// statement (accountWithOwnerCTEs), returning the account's id, currency and owner.
var createAccountWithOwnerSQL = accountWithOwnerCTEs + ` SELECT id, currency, owner_id FROM account`

// accountWithOwnerArgs are the arguments of accountWithOwnerCTEs.
func (c *Conn) accountWithOwnerArgs(a *domain.Account, u *domain.User) []any {
	return append(accountValues(a), u.Email, u.FirstName, u.MiddleName, u.LastName, string(u.Status),
		micros(u.CreatedAt), micros(u.UpdatedAt), c.referenceGen)
}

// CreateAccountWithOwner inserts a with the owner u, a user of a's reseller that
// EnsureUser would store: u itself, or the reseller's user with u's e-mail, and
// links them as AddAccountUser(a.ID, u.ID, owner, a.CreatedAt) does. It sets u.ID,
// a.OwnerID and what CreateAccount sets; u's other fields stay as given. On
// PostgreSQL the three writes are one statement, so one round trip.
func (c *Conn) CreateAccountWithOwner(ctx context.Context, a *domain.Account, u *domain.User) error {
	if c.db.engine == Postgres {
		err := c.row(ctx, createAccountWithOwnerSQL, c.accountWithOwnerArgs(a, u), &a.ID, &a.Currency, &a.OwnerID)
		if err == nil {
			u.ID = a.OwnerID
			c.touchAdded(AccountsScope(a.ResellerID)) // the link, as AddAccountUser would
			return c.accountCreated(ctx, a)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("create account: %w", err)
		}
		// No owner visible yet, no reseller, or the reference data moved: no account
		// was written. The statements below tell which, and EnsureUser reads a user
		// committed meanwhile.
	}
	if err := c.EnsureUser(ctx, u); err != nil {
		return err
	}
	a.OwnerID = u.ID
	if err := c.CreateAccount(ctx, a); err != nil {
		return err
	}
	return c.AddAccountUser(ctx, a.ID, a.OwnerID, domain.AccessLevelOwner, a.CreatedAt)
}

// accountCreated records what the transaction changed by creating a: its scope,
// its reseller (for the writes about it that follow) and the list counter.
func (c *Conn) accountCreated(ctx context.Context, a *domain.Account) error {
	c.touchAdded(AccountsScope(a.ResellerID)) // a new account, which the move declares
	if c.accountResellers == nil {
		c.accountResellers = make(map[int64]int64)
	}
	c.accountResellers[a.ID] = a.ResellerID
	c.created = append(c.created, createdRow{a, micros(a.CreatedAt)})
	return c.count(ctx, tallyAccounts, a.ResellerID, 1)
}

// UpdateAccount writes every mutable field of a, which the transaction read with
// FindAccountForUpdate; the balance is billing's and stays.
func (c *Conn) UpdateAccount(ctx context.Context, a *domain.Account) error {
	if err := c.needLock("accounts", a.ID); err != nil {
		return err
	}
	_, err := c.exec(ctx, `UPDATE accounts SET account_type_id = $1, account_class_key = $2, name = $3,
		primary_name = $4, first_name = $5, middle_name = $6, last_name = $7, email = $8, country = $9,
		region = $10, city = $11, street = $12, building = $13, office = $14, zip = $15, phone = $16,
		inn = $17, status = $18, manager_id = $19, owner_id = $20, tech_user_id = $21, currency = $22,
		credit_limit = $23, credit_limit_use_system = $24, external_key = $25, custom_attributes = $26,
		updated_at = $27, name_folded = $28 WHERE id = $29`,
		a.AccountTypeID, a.Class.Key, a.Name, a.PrimaryName, a.FirstName, a.MiddleName, a.LastName, a.Email,
		a.Country, a.Region, a.City, a.Street, a.Building, a.Office, a.Zip, a.Phone, a.INN, string(a.Status),
		nullable(a.ManagerID), nullable(a.OwnerID), nullable(a.TechUserID), a.Currency, int64(a.CreditLimit),
		a.CreditLimitUseSystem, nullString(a.ExternalKey), attrsJSON(a.CustomAttributes), micros(a.UpdatedAt),
		domain.Fold(a.Name), a.ID)
	if err != nil {
		return fmt.Errorf("update account %d: %w", a.ID, err)
	}
	c.touch(AccountsScope(a.ResellerID))
	return nil
}

// accountRow lists a's columns in the order of accountInsertColumns.
func accountRow(a *domain.Account) []any { return append(accountValues(a), nullable(a.OwnerID)) }

// accountValues lists a's columns in the order of accountInsertColumns but for the
// last, the owner.
func accountValues(a *domain.Account) []any {
	return []any{a.ResellerID, a.AccountTypeID, a.Class.Key, a.Name,
		a.PrimaryName, a.FirstName, a.MiddleName, a.LastName, a.Email, a.Country, a.Region, a.City, a.Street,
		a.Building, a.Office, a.Zip, a.Phone, a.INN, string(a.Status), nullable(a.ManagerID),
		nullable(a.TechUserID), a.Currency, int64(a.Balance), int64(a.CreditLimit), a.CreditLimitUseSystem,
		nullString(a.ExternalKey), attrsJSON(a.CustomAttributes), micros(a.CreatedAt), micros(a.UpdatedAt),
		domain.Fold(a.Name)}
}
