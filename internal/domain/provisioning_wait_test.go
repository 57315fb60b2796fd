package domain

import (
	"strings"
	"testing"
)

func TestProvisioningCompletionInputValidate(t *testing.T) {
	long := strings.Repeat("x", MaxProvisioningMessage+1)
	for _, tc := range []struct {
		name string
		in   ProvisioningCompletionInput
		want ProvisioningCompletion
		errs map[string]Message
	}{
		{name: "OKDone", in: ProvisioningCompletionInput{Outcome: strp("done")}, want: ProvisioningCompletion{Done: true}},
		{name: "OKDoneWithMessage", in: ProvisioningCompletionInput{Outcome: strp("done"), Message: strp(" made ")},
			want: ProvisioningCompletion{Done: true, Message: "made"}},
		{name: "OKFailed", in: ProvisioningCompletionInput{Outcome: strp("failed"), Message: strp("locked")},
			want: ProvisioningCompletion{Message: "locked"}},
		{name: "ErrOutcomeRequired", in: ProvisioningCompletionInput{Message: strp("x")},
			errs: map[string]Message{PtrCompletionOutcome: MsgRequired}},
		{name: "ErrOutcomeUnknown", in: ProvisioningCompletionInput{Outcome: strp("Done")},
			errs: map[string]Message{PtrCompletionOutcome: MsgOneOf}},
		{name: "ErrFailedWithoutMessage", in: ProvisioningCompletionInput{Outcome: strp("failed")},
			errs: map[string]Message{PtrCompletionMessage: MsgRequired}},
		{name: "ErrFailedBlankMessage", in: ProvisioningCompletionInput{Outcome: strp("failed"), Message: strp("  ")},
			errs: map[string]Message{PtrCompletionMessage: MsgBlank}},
		{name: "ErrMessageTooLong", in: ProvisioningCompletionInput{Outcome: strp("done"), Message: &long},
			errs: map[string]Message{PtrCompletionMessage: MsgTooLong}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.in.Validate()
			problems := map[string]Message{}
			for _, e := range Errors(err) {
				problems[e.Pointer] = e.Message
			}
			if len(problems) != len(tc.errs) {
				t.Fatalf("errors = %v, want %v", problems, tc.errs)
			}
			for ptr, msg := range tc.errs {
				if problems[ptr] != msg {
					t.Errorf("%s: %s, want %s", ptr, problems[ptr], msg)
				}
			}
			if tc.errs == nil && got != tc.want {
				t.Errorf("Validate() = %+v, want %+v", got, tc.want)
			}
		})
	}
}
