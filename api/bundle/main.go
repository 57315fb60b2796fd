// Command bundle writes api/openapi.yaml from the sources in api/src (see package
// apibundle). It runs from the api directory, through `go generate ./api`.
package main

import (
	"log"
	"os"

	"github.com/cascade-billing/cascade/internal/apibundle"
)

func main() {
	out, err := apibundle.Bundle(os.DirFS("src"))
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("openapi.yaml", out, 0o644); err != nil {
		log.Fatal(err)
	}
}
