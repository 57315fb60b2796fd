//go:build !unix

package store

import (
	"errors"
	"os"
)

// walIndex is not mapped on this system: PRAGMA data_version answers.
type walIndex struct{}

func mapWALIndex(*os.File) (*walIndex, error) { return nil, errors.New("wal-index not mapped here") }

func (*walIndex) header() (walHeader, bool) { return walHeader{}, false }

func (*walIndex) backlog() (int, bool) { return 0, false }

func (*walIndex) unmap() {}
