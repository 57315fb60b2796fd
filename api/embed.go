// Package api embeds api/openapi.yaml, the OpenAPI 3.1 description of Cascade's REST
// API, so the server can serve it and tests can validate against it.
package api

import _ "embed"

// OpenAPI is the content of openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte
