// Package api embeds api/openapi.yaml, the OpenAPI 3.1 description of Cascade's REST
// API, so the server can serve it and tests can validate against it. The file is
// generated from the pieces in api/src: edit those, then run `go generate ./api`.
package api

import _ "embed"

//go:generate go run ./bundle

// OpenAPI is the content of openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte
