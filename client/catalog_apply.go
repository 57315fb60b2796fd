package client

import (
	"context"
	"encoding/json"
	"strconv"
)

// CatalogChanges is the answer of ApplyCatalog: what differed between the catalogue
// file and the stored catalogue, and so what was (or on a dry run would be) changed.
type CatalogChanges struct {
	ResellerID int64           `json:"-"`
	DryRun     bool            `json:"dry_run"`
	Changed    bool            `json:"changed"`
	Changes    []CatalogChange `json:"changes"`
	// ProductSecrets are the signing secrets of the products that entered automatic
	// mode, by product key (meta.product_secrets): shown by this answer only.
	ProductSecrets map[string]string `json:"-"`
}

// CatalogChange is one change: Action create, update, delete or deactivate of an
// object of Kind service_term, category, product, plan, period, resource, switch,
// order_attribute or delegation.
type CatalogChange struct {
	Action string `json:"action"`
	Kind   string `json:"kind"`
	Key    string `json:"key"`
	// Plan is the plan a period, resource, switch or order attribute belongs to.
	Plan string `json:"plan"`
	// ResellerID is the reseller holding a delegated copy, for delegations.
	ResellerID int64  `json:"reseller_id"`
	SwitchType string `json:"switch_type"`
	// Fields names the changed fields of an update.
	Fields []string `json:"fields"`
}

// CatalogMediaType is the media type ApplyCatalog sends catalogue files as.
const CatalogMediaType = "application/yaml"

// ApplyCatalog applies a catalogue file (YAML, or JSON, which is YAML too) to a
// reseller's catalogue (a Cascade extension, see docs/catalog.md). With dryRun the
// server lists the changes without making them.
func (c *Client) ApplyCatalog(ctx context.Context, resellerID int64, doc []byte, dryRun bool, opts ...RequestOption) (*CatalogChanges, error) {
	var out struct {
		Data Resource `json:"data"`
		Meta struct {
			ProductSecrets map[string]string `json:"product_secrets"`
		} `json:"meta"`
	}
	path := pathf("/api/v3/resellers/%s/catalog", resellerID) + "?dry_run=" + strconv.FormatBool(dryRun)
	if err := c.sendRaw(ctx, "PUT", path, doc, CatalogMediaType, &out, opts...); err != nil {
		return nil, err
	}
	ch := &CatalogChanges{}
	if err := json.Unmarshal(out.Data.Attributes, ch); err != nil {
		return nil, err
	}
	ch.ProductSecrets = out.Meta.ProductSecrets
	var err error
	ch.ResellerID, err = parseID(out.Data.ID)
	return ch, err
}
