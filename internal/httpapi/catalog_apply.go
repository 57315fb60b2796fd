package httpapi

import (
	"bytes"

	"github.com/cascade-billing/cascade/internal/catalogfile"
	"github.com/cascade-billing/cascade/internal/domain"
)

// catalogChanges is the answer of a catalogue apply: what differed, and so what was
// (or, on a dry run, would be) changed.
type catalogChanges struct {
	DryRun  bool            `json:"dry_run"`
	Changed bool            `json:"changed"`
	Changes []catalogChange `json:"changes"`
}

type catalogChange struct {
	Action     string   `json:"action"`
	Kind       string   `json:"kind"`
	Key        string   `json:"key"`
	Plan       string   `json:"plan,omitempty"`
	ResellerID int64    `json:"reseller_id,omitempty"`
	SwitchType string   `json:"switch_type,omitempty"`
	Fields     []string `json:"fields,omitempty"`
}

// handleCatalogApply applies a catalogue file sent as YAML or JSON (the document
// itself, not a JSON:API envelope). PUT fits: the same file applied twice leaves the
// catalogue as the first time, and the second answer lists no changes.
func (s *Server) handleCatalogApply(c *call) (reply, error) {
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return reply{}, err
	}
	dryRun := false
	switch v := c.r.URL.Query(); v.Get("dry_run") {
	case "", "false", "0":
	case "true", "1":
		dryRun = true
	default:
		return reply{}, domain.ParamError("dry_run", domain.MsgInvalidBoolean)
	}
	if len(bytes.TrimSpace(c.body)) == 0 {
		return reply{}, domain.Errorf(domain.ErrBadRequest, domain.MsgBodyRequired)
	}
	res, err := s.svc.ApplyCatalog(c.ctx, c.actor, rid, c.body, dryRun)
	if err != nil {
		return reply{}, err
	}
	data := resource{ID: id(rid), Type: "catalog_changes", Attributes: toAPICatalogChanges(res)}
	if len(res.ProductSecrets) == 0 {
		return one(data), nil
	}
	return reply{doc: catalogChangesDocument{Data: data, Meta: catalogChangesMeta{ProductSecrets: res.ProductSecrets}}}, nil
}

// catalogChangesDocument is the answer of an apply that made product secrets: they
// are shown this once, in meta, by product key.
type catalogChangesDocument struct {
	Data resource           `json:"data"`
	Meta catalogChangesMeta `json:"meta"`
}

type catalogChangesMeta struct {
	ProductSecrets map[string]string `json:"product_secrets"`
}

func toAPICatalogChanges(res *catalogfile.Result) catalogChanges {
	out := catalogChanges{DryRun: res.DryRun, Changed: res.Changed(), Changes: make([]catalogChange, len(res.Changes))}
	for i, ch := range res.Changes {
		out.Changes[i] = catalogChange{Action: string(ch.Action), Kind: string(ch.Kind), Key: ch.Key, Plan: ch.Plan,
			ResellerID: ch.ResellerID, SwitchType: ch.SwitchType, Fields: ch.FieldNames()}
	}
	return out
}
