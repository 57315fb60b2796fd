package store

// walHeader is one copy of the header of SQLite's wal-index, as 32-bit words: its
// version, an unused word, a counter every commit increments, the initialised flag
// with the page size, the last valid frame, the database's size in pages, the
// checksum of that frame, the WAL's salts and the header's own checksum
// (sqlite.org/walformat.html, "The WAL-Index Header"). Every commit rewrites it: at
// least the counter, the last frame and the checksums change, and when the WAL
// starts over after a checkpoint its salts do.
type walHeader [walHeaderSize / 4]uint32

// walHeaderSize is the size of one copy of the header; the wal-index begins with
// two copies of it.
const walHeaderSize = 48

// walMaxFrame is the word of a walHeader that holds the WAL's last valid frame.
const walMaxFrame = 4

// walBackfillOffset is where the wal-index keeps how many of the WAL's frames the
// last checkpoint copied into the database, right after the two headers
// (sqlite.org/walformat.html, "The Checkpoint Information").
const walBackfillOffset = 2 * walHeaderSize

// walMapSize is how much of the wal-index is mapped: the headers and that count.
const walMapSize = walBackfillOffset + 4

// backlogOf is how many frames of the WAL whose header is h no checkpoint has
// copied, given the count of copied ones. A WAL started over while the count was
// read shows fewer frames than were copied: none wait then.
func backlogOf(h walHeader, backfilled uint32) int {
	if backfilled >= h[walMaxFrame] {
		return 0
	}
	return int(h[walMaxFrame] - backfilled)
}

// pragmaHeader stands for a value of PRAGMA data_version among the readings of
// headers. Its first word, the wal-index version of a real header, is never 0 once
// SQLite has set the header up, so no header reads as a PRAGMA value.
func pragmaHeader(n int64) walHeader {
	return walHeader{0, uint32(n), uint32(n >> 32)}
}
