package httpapi

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/service"
)

// answer runs a create's service call and renders its result with present. For a
// request with an Idempotency-Key, the service's transaction renders the result
// itself, with the same present, and records that answer before it commits: a
// process that dies right after the commit still leaves the answer for a retry to
// replay. The client then gets the very bytes recorded.
func answer[T any](c *call, run func(context.Context) (T, error), present func(T) reply) (reply, error) {
	var recorded *reply
	ctx := service.WithPresenter(c.ctx, func(result any) (int, []byte, error) {
		v, ok := result.(T)
		if !ok {
			return 0, nil, fmt.Errorf("present a %T as the answer, want a %T", result, v)
		}
		status, body, err := present(v).encode()
		if err == nil {
			recorded = &reply{status: status, raw: body}
		}
		return status, body, err
	})
	v, err := run(ctx)
	if err != nil {
		return reply{}, err
	}
	if recorded != nil {
		return *recorded, nil
	}
	return present(v), nil
}
