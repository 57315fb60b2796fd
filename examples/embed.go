// Package examples holds example files that ship with Cascade, embedded so the demo
// finds them whatever the working directory.
package examples

import _ "embed"

// Catalog is the demo operator's catalogue file (catalog.yaml).
//
//go:embed catalog.yaml
var Catalog []byte

// NorthwindCatalog is the demo reseller Northwind's catalogue file
// (catalog-northwind.yaml), which passes plans it received on to Contoso.
//
//go:embed catalog-northwind.yaml
var NorthwindCatalog []byte
