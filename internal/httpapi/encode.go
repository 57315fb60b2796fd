package httpapi

import (
	"bytes"
	"encoding/json"
	"sync"
)

// rawJSON is JSON this package encoded earlier (valid, compact, not HTML-escaped) and
// keeps to serve again. The document writer copies it as it is: encoding/json would
// scan and compact it again (as it does json.RawMessage and Marshaler output), which
// for a page of plans costs about as much as encoding the plans afresh.
type rawJSON []byte

// MarshalJSON serves the bytes to encoding/json where a rawJSON is not written by the
// document writer.
func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// encode marshals v without HTML escaping (the API serves JSON, not HTML). A document
// is written member by member, so the rawJSON attributes of its resources are copied
// rather than scanned; the bytes are those encoding/json would give.
func encode(v any) ([]byte, error) {
	var out []byte
	err := withEncoded(v, func(b []byte) { out = bytes.Clone(b) })
	return out, err
}

// maxPooledBuffer is the largest buffer withEncoded returns to its pool: a rare
// export of many megabytes is left to the collector rather than kept for pages of
// a few dozen kilobytes.
const maxPooledBuffer = 1 << 20

// withEncoded encodes v as encode does into a pooled buffer and hands the bytes to
// use, which must not keep them: the buffer goes back to the pool when use returns.
// A response written straight from it spares a copy of every body (80 kB for a page
// of 50 subscriptions with their plans) and the garbage the copy leaves.
func withEncoded(v any, use func([]byte)) error {
	buf := bufPool.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledBuffer {
			bufPool.Put(buf)
		}
	}()
	buf.Reset()
	w := jsonWriter{buf: buf, enc: json.NewEncoder(buf)}
	w.enc.SetEscapeHTML(false)
	if d, ok := v.(document); ok {
		w.document(d)
	} else {
		w.value(v)
	}
	if w.err != nil {
		return w.err
	}
	buf.WriteByte('\n') // as json.Encoder ends every value
	use(buf.Bytes())
	return nil
}

// encodeCompact is encode without the final newline, for JSON kept as rawJSON.
func encodeCompact(v any) (rawJSON, error) {
	b, err := encode(v)
	if err != nil {
		return nil, err
	}
	return rawJSON(b[:len(b)-1]), nil
}

// jsonWriter writes JSON into buf, keeping the first error.
type jsonWriter struct {
	buf *bytes.Buffer
	enc *json.Encoder
	err error
}

// value writes v as encoding/json does, without its newline.
func (w *jsonWriter) value(v any) {
	if w.err != nil {
		return
	}
	if w.err = w.enc.Encode(v); w.err == nil {
		w.buf.Truncate(w.buf.Len() - 1)
	}
}

// document writes d with the members and order of its struct tags.
func (w *jsonWriter) document(d document) {
	w.buf.WriteString(`{"data":`)
	switch data := d.Data.(type) {
	case resource:
		w.resource(data)
	case []resource:
		w.resources(data)
	default:
		w.value(data)
	}
	if len(d.Included) > 0 {
		w.buf.WriteString(`,"included":`)
		w.resources(d.Included)
	}
	if d.Links != nil {
		w.buf.WriteString(`,"links":`)
		w.value(d.Links)
	}
	if d.Meta != nil {
		w.buf.WriteString(`,"meta":`)
		w.value(d.Meta)
	}
	w.buf.WriteByte('}')
}

func (w *jsonWriter) resources(rs []resource) {
	w.buf.WriteByte('[')
	for i, r := range rs {
		if i > 0 {
			w.buf.WriteByte(',')
		}
		w.resource(r)
	}
	w.buf.WriteByte(']')
}

// resource writes r; only attributes kept as rawJSON need writing by hand.
func (w *jsonWriter) resource(r resource) {
	attrs, ok := r.Attributes.(rawJSON)
	if !ok {
		w.value(r)
		return
	}
	w.buf.WriteString(`{"id":`)
	w.buf.Write(appendString(w.buf.AvailableBuffer(), r.ID))
	w.buf.WriteString(`,"type":`)
	w.buf.Write(appendString(w.buf.AvailableBuffer(), r.Type))
	w.buf.WriteString(`,"attributes":`)
	w.buf.Write(attrs)
	if len(r.Relationships) > 0 {
		w.buf.WriteString(`,"relationships":`)
		w.relationships(r.Relationships)
	}
	w.buf.WriteByte('}')
}

// relationships writes rels by hand when they hold only identifiers, the common
// case, and through encoding/json otherwise.
func (w *jsonWriter) relationships(rels map[string]relationship) {
	if w.err != nil {
		return
	}
	// appendRelationships writes into the buffer's spare capacity, which holds
	// nothing until Write: a fallback has nothing to undo.
	b, ok := appendRelationships(w.buf.AvailableBuffer(), rels)
	if !ok {
		w.value(rels)
		return
	}
	w.buf.Write(b)
}

// encodedCache keeps the encoded attributes of objects that are read again and
// again unchanged (plans and listed accounts, which the service answers from its read
// caches), each with a clone of the object it was encoded from. An object equal to
// that clone gets the stored bytes; any other is encoded again. Comparing costs far
// less than encoding, and holds whoever handed the object out, or changed it since.
// The cache is bounded: when full it starts again empty.
type encodedCache[T any, P sharable[T]] struct {
	mu      sync.RWMutex
	entries map[int64]encodedEntry[T]
}

// sharable is a pointer to an object that can be cloned and compared.
type sharable[T any] interface {
	*T
	Clone() *T
	Equal(*T) bool
}

type encodedEntry[T any] struct {
	src  *T // a clone, which nobody else holds
	json rawJSON
}

// maxEncoded bounds an encodedCache.
const maxEncoded = 10_000

// get returns the encoded attributes of src, which has the given id, encoding them
// with render on a miss.
func (c *encodedCache[T, P]) get(id int64, src *T, render func() any) (rawJSON, error) {
	c.mu.RLock()
	e, ok := c.entries[id]
	c.mu.RUnlock()
	if ok && P(e.src).Equal(src) {
		return e.json, nil
	}
	b, err := encodeCompact(render())
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= maxEncoded {
		c.entries = make(map[int64]encodedEntry[T])
	}
	c.entries[id] = encodedEntry[T]{src: P(src).Clone(), json: b}
	c.mu.Unlock()
	return b, nil
}

// attributes returns what to render as the attributes of src, which has the given
// id: its encoded attributes, or render's value when encoding fails, which then fails
// again when the answer is encoded and is reported there.
func (c *encodedCache[T, P]) attributes(id int64, src *T, render func() any) any {
	if b, err := c.get(id, src, render); err == nil {
		return b
	}
	return render()
}
