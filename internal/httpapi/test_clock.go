package httpapi

import (
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// Cascade extension: the test clock (docs/test-clock.md). Its routes exist only when
// the test clock is on; otherwise they answer like any unknown path.

// testClockID is the id of the one test clock of an installation.
const testClockID = "installation"

type testClockAttributes struct {
	Now string `json:"now"`
}

// testClockAdvanceInput is the body of an advance: exactly one of by and to.
type testClockAdvanceInput struct {
	By *string `json:"by"`
	To *string `json:"to"`
}

func (s *Server) toAPITestClock(now time.Time) resource {
	return resource{ID: testClockID, Type: "test_clocks", Attributes: &testClockAttributes{Now: s.formatTime(now)}}
}

func (s *Server) handleTestClockGet(c *call) (reply, error) {
	// Like every single-resource read, it includes nothing and says so.
	if _, err := parseInclude(c.r.URL.Query(), nil); err != nil {
		return reply{}, err
	}
	now, err := s.svc.TestClockNow(c.ctx, c.actor)
	if err != nil {
		return reply{}, err
	}
	return one(s.toAPITestClock(now)), nil
}

func (s *Server) handleTestClockAdvance(c *call) (reply, error) {
	in, err := decodeAttributes[testClockAdvanceInput](c)
	if err != nil {
		return reply{}, err
	}
	now, err := s.svc.AdvanceTestClock(c.ctx, c.actor, domain.ClockAdvance{By: in.By, To: in.To})
	if err != nil {
		return reply{}, err
	}
	return one(s.toAPITestClock(now)), nil
}
