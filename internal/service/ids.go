package service

// distinct is ids without repeats, in their first order.
func distinct(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// byID indexes list by the id key gives.
func byID[T any](list []T, key func(T) int64) map[int64]T {
	out := make(map[int64]T, len(list))
	for _, v := range list {
		out[key(v)] = v
	}
	return out
}
