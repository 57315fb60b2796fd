package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/app"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// atCatalog is the catalogue the order attribute tests sell: plan mail-basic asks
// for one attribute of every type, plan bare for none.
const atCatalog = `
categories:
  - {key: office, name: Office, public: true}
products:
  - key: mail
    name: Mail Hosting
    category: office
    public: true
    integration: {mode: manual, email: ops@vendor.example}
plans:
  - key: mail-basic
    product: mail
    name: Mail Basic
    status: active
    public: true
    billing_type: csp_monthly
    currency: USD
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "10.00"}
    resources:
      - {key: mailbox, name: Mailbox, unit: unit, measurable: true, included: 1, minimum: 1, limit: 50, recurring_fee: "2.50"}
      - {key: archive, name: Archive, unit: boolean, included: 0, minimum: 0, limit: 1}
    order_attributes:
      - {key: domain_name, label: Domain name, type: string, required: true}
      - {key: notes, label: Notes, type: text}
      - {key: seats, label: Seats, type: number, required: true}
      - {key: agreement, label: Customer agreement, type: checkbox, required: true}
      - {key: start_date, label: Start date, type: date}
      - {key: admin_email, label: Administrator e-mail, type: email, required: true}
      - {key: edition, label: Edition, type: list, required: true, values: [standard, premium]}
  - key: bare
    product: mail
    name: Bare
    status: active
    public: true
    billing_type: csp_monthly
    currency: USD
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "1.00"}
    resources:
      - {key: seat, name: Seat, unit: unit, included: 1, minimum: 1, limit: 5}
`

// atWorld is a reseller selling atCatalog with an account, and a sibling reseller
// with a plan and an account of its own, for the out-of-scope cases.
type atWorld struct {
	s                   *server
	r, sibling          *client.Reseller
	plan, bare          *client.Plan
	siblingPlan         *client.Plan
	account, siblingAcc *client.Account
	// owner, sales and marketing are managers of r; siblingOwner one of sibling.
	owner, sales, marketing, siblingOwner *client.Client
	marketingToken                        string
}

// atSetup builds an atWorld on s.
func atSetup(t *testing.T, s *server) *atWorld {
	t.Helper()
	w := &atWorld{s: s}
	w.r = mustCreateReseller(t, s.Admin, domain.OperatorID, "Attr Seller")
	w.sibling = mustCreateReseller(t, s.Admin, domain.OperatorID, "Attr Sibling")
	cfApply(t, s.Admin, w.r.ID, atCatalog)
	cfApply(t, s.Admin, w.sibling.ID, atCatalog)
	w.plan = atPlan(t, s.Admin, w.r.ID, "mail-basic")
	w.bare = atPlan(t, s.Admin, w.r.ID, "bare")
	w.siblingPlan = atPlan(t, s.Admin, w.sibling.ID, "mail-basic")
	w.account = acMustCreate(t, s.Admin, w.r.ID, acPerson("Olga", "Ivanova"))
	w.siblingAcc = acMustCreate(t, s.Admin, w.sibling.ID, acPerson("Sam", "Brown"))
	w.owner = s.client(mustCreateManager(t, s.Admin, w.r.ID, "owner").APIToken)
	w.sales = s.client(mustCreateManager(t, s.Admin, w.r.ID, "sales").APIToken)
	w.marketingToken = mustCreateManager(t, s.Admin, w.r.ID, "marketing").APIToken
	w.marketing = s.client(w.marketingToken)
	w.siblingOwner = s.client(mustCreateManager(t, s.Admin, w.sibling.ID, "owner").APIToken)
	return w
}

// atPlan finds a plan of reseller rid by its key.
func atPlan(t *testing.T, c *client.Client, rid int64, key string) *client.Plan {
	t.Helper()
	page, err := c.ListPlans(context.Background(), rid, &client.ListOptions{Filter: map[string]string{"key": key}})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("plan %q of reseller %d: %v (%d found)", key, rid, err, len(page.Items))
	}
	return &page.Items[0]
}

// atResource returns the id of the plan's resource with the given key.
func atResource(t *testing.T, p *client.Plan, key string) int64 {
	t.Helper()
	for _, r := range p.Resources {
		if r.Key == key {
			return r.ID
		}
	}
	t.Fatalf("plan %s has no resource %q", p.Key, key)
	return 0
}

// atValid are values that pass every attribute of mail-basic.
func atValid() map[string]any {
	return map[string]any{"domain_name": " contoso.com ", "notes": "Move the old mailboxes\nfirst",
		"seats": "25", "agreement": 1, "start_date": "2031-07-01", "admin_email": "Admin@Contoso.com",
		"edition": "premium"}
}

// atValidate starts a validation through c and fails the test unless it is accepted
// as a pending task.
func atValidate(t *testing.T, c *client.Client, rid, planID, accountID int64, values map[string]any, opts ...client.RequestOption) *client.AsyncTask {
	t.Helper()
	task, err := c.ValidateOrderAttributes(context.Background(), rid, planID, accountID, values, opts...)
	if err != nil {
		t.Fatalf("validate order attributes of plan %d: %v", planID, err)
	}
	if task.Status != client.AsyncTaskPending || task.Results != nil || task.FailureMessage != "" || len(task.ID) != 36 {
		t.Fatalf("new task = %+v, want a pending task with a UUID and nothing else", task)
	}
	return task
}

// atWait waits for a task to finish and fails the test unless it completed.
func atWait(t *testing.T, c *client.Client, rid int64, id string) *client.AsyncTask {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	task, err := c.WaitAsyncTask(ctx, rid, id)
	if err != nil {
		t.Fatalf("wait for task %s: %v", id, err)
	}
	if task.Status != client.AsyncTaskCompleted || task.Results == nil || task.FailureMessage != "" {
		t.Fatalf("task %s = %+v, want completed with results", id, task)
	}
	return task
}

// atFails sends a request that must fail with status and code, and (when given) name
// the pointer or parameter src.
func atFails(t *testing.T, c *client.Client, method, path, body string, status int, code, src string) {
	t.Helper()
	resp := mgDo(t, c, method, path, body)
	if resp.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d; body %s", method, path, resp.StatusCode, status, resp.Body)
	}
	for _, o := range decodeErrors(t, resp) {
		if o.Code == code && (src == "" || o.Source != nil && (o.Source.Pointer == src || o.Source.Parameter == src)) {
			return
		}
	}
	t.Fatalf("%s %s: errors %s, want %s at %q", method, path, resp.Body, code, src)
}

func decodeErrors(t *testing.T, resp *client.Response) []client.ErrorObject {
	t.Helper()
	e := &client.Error{StatusCode: resp.StatusCode}
	if err := json.Unmarshal(resp.Body, e); err != nil || len(e.Errors) == 0 {
		t.Fatalf("not an error document: %s", resp.Body)
	}
	return e.Errors
}

func atTaskPath(rid int64, id string) string {
	return fmt.Sprintf("/api/v3/resellers/%d/async_tasks/%s", rid, id)
}

func TestAsyncTaskRead(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := atSetup(t, s)
		task := atValidate(t, w.sales, w.r.ID, w.plan.ID, w.account.ID, atValid())
		done := atWait(t, w.marketing, w.r.ID, task.ID) // every role reads tasks
		if !done.Results.Valid {
			t.Fatalf("results = %+v, want valid", done.Results)
		}

		// The id is case-insensitive; the answer names it in lower case.
		got, err := s.Admin.GetAsyncTask(ctx, w.r.ID, strings.ToUpper(task.ID))
		if err != nil || got.ID != task.ID {
			t.Fatalf("upper-case id: %+v, %v", got, err)
		}

		// Unknown, malformed, another reseller's: all the same 404.
		for _, id := range []string{"9b68427b-52d5-4c01-9b77-eb1b70517414", "abc", "123",
			strings.ReplaceAll(task.ID, "-", ""), "{" + task.ID + "}", task.ID + "0"} {
			_, err := s.Admin.GetAsyncTask(ctx, w.r.ID, id)
			atCode(t, apiError(t, err, http.StatusNotFound), "async_task_not_found")
		}
		_, err = s.Admin.GetAsyncTask(ctx, w.sibling.ID, task.ID)
		atCode(t, apiError(t, err, http.StatusNotFound), "async_task_not_found")
		_, err = w.siblingOwner.GetAsyncTask(ctx, w.sibling.ID, task.ID)
		atCode(t, apiError(t, err, http.StatusNotFound), "async_task_not_found")
		// A reseller outside the caller's subtree is not found at all.
		_, err = w.siblingOwner.GetAsyncTask(ctx, w.r.ID, task.ID)
		atCode(t, apiError(t, err, http.StatusNotFound), "reseller_not_found")
		_, err = s.Admin.GetAsyncTask(ctx, 999999, task.ID)
		atCode(t, apiError(t, err, http.StatusNotFound), "reseller_not_found")

		atFails(t, s.Admin, "GET", atTaskPath(w.r.ID, task.ID)+"?include=plan", "", http.StatusBadRequest, "unknown_include", "include")
		_, err = s.client("").GetAsyncTask(ctx, w.r.ID, task.ID)
		atCode(t, apiError(t, err, http.StatusUnauthorized), "token_missing")
	})
}

func atCode(t *testing.T, e *client.Error, code string) {
	t.Helper()
	for _, o := range e.Errors {
		if o.Code == code {
			return
		}
	}
	t.Fatalf("errors %+v, want code %s", e.Errors, code)
}

// TestAsyncTaskStates watches one task through its states with no worker running,
// moving it as a worker would, straight in the database: pending, running, then
// failed, which shows a fixed text rather than the stored error and no results.
func TestAsyncTaskStates(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s := start(t, e, "admin-token-"+service.NewToken(), func(c *app.Config) { c.Workers = false })
		w := atSetup(t, s)
		task := atValidate(t, s.Admin, w.r.ID, w.plan.ID, w.account.ID, atValid())

		now := s.Config.Clock.Now()
		claimed, err := s.DB.ClaimJobs(ctx, "test-worker", []string{service.JobOrderAttributesValidation}, 1, now, now.Add(time.Minute))
		if err != nil || len(claimed) != 1 || claimed[0].ID != task.ID {
			t.Fatalf("claim: %v, %v", claimed, err)
		}
		got, err := s.Admin.GetAsyncTask(ctx, w.r.ID, task.ID)
		if err != nil || got.Status != client.AsyncTaskRunning || got.Results != nil || got.FailureMessage != "" {
			t.Fatalf("claimed task = %+v, %v; want running", got, err)
		}
		if err := s.DB.FailJob(ctx, claimed[0], "vendor at 10.0.0.7 refused: secret detail", now); err != nil {
			t.Fatal(err)
		}
		for locale, want := range map[string]string{
			"en": "The task could not be completed because of a platform-side error",
			"ru": "Задачу не удалось выполнить из-за ошибки на стороне платформы",
		} {
			got, err = s.Admin.GetAsyncTask(ctx, w.r.ID, task.ID, client.WithLocale(locale))
			if err != nil || got.Status != client.AsyncTaskFailed || got.Results != nil || got.FailureMessage != want {
				t.Fatalf("failed task (%s) = %+v, %v; want failed with %q", locale, got, err, want)
			}
		}
	})
}

// TestAsyncTaskSurvivesRestart creates a task on a node that runs no workers: it
// stays pending. A node with workers started on the same database later runs it.
func TestAsyncTaskSurvivesRestart(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			token := "restart-admin-" + service.NewToken()
			apiOnly := start(t, e, token, func(c *app.Config) { c.Workers = false })
			w := atSetup(t, apiOnly)
			task := atValidate(t, w.sales, w.r.ID, w.plan.ID, w.account.ID, atValid())
			bad := atValidate(t, w.sales, w.r.ID, w.plan.ID, w.account.ID, map[string]any{"seats": "many"})
			time.Sleep(300 * time.Millisecond) // a worker would have finished by now
			for _, id := range []string{task.ID, bad.ID} {
				got, err := w.sales.GetAsyncTask(ctx, w.r.ID, id)
				if err != nil || got.Status != client.AsyncTaskPending {
					t.Fatalf("task on an API-only node = %+v, %v; want still pending", got, err)
				}
			}
			apiOnly.stop()

			worker := start(t, e, token)
			c := worker.client(token)
			if done := atWait(t, c, w.r.ID, task.ID); !done.Results.Valid {
				t.Fatalf("after restart: %+v, want valid", done.Results)
			}
			if done := atWait(t, c, w.r.ID, bad.ID); done.Results.Valid || len(done.Results.Errors) == 0 {
				t.Fatalf("after restart: %+v, want invalid", done.Results)
			}
		})
	}
}
