// Package apibundle builds api/openapi.yaml from its sources in api/src: one file per
// resource for the paths and one per kind (and resource) for the components, joined in
// the order of their names. The files are plain pieces of the one YAML document, so
// the bundle is their concatenation and each piece reads like the part of the
// document it is: `00-info.yaml` ends with `paths:`, `10-components.yaml` opens
// `components:`, and the files between them hold path items at their usual indent.
package apibundle

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"slices"
)

// Bundle joins the .yaml files at the top of src in the order of their names. Each
// must be non-empty and end with a newline, so no piece runs into the next.
func Bundle(src fs.FS) ([]byte, error) {
	names, err := fs.Glob(src, "*.yaml")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("apibundle: no .yaml files")
	}
	slices.Sort(names)
	var out bytes.Buffer
	for _, name := range names {
		b, err := fs.ReadFile(src, name)
		if err != nil {
			return nil, err
		}
		if len(b) == 0 || b[len(b)-1] != '\n' {
			return nil, fmt.Errorf("apibundle: %s: empty or not ending with a newline", path.Base(name))
		}
		out.Write(b)
	}
	return out.Bytes(), nil
}
