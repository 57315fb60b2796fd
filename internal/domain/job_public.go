package domain

import "strings"

// publicFailurePrefix starts the failure message of a job whose failure is fit to
// show as it is: what a vendor's service said, rendered for the person who asked.
const publicFailurePrefix = "public: "

// PublicFailure returns the failure message of a job that shows text to its caller
// (an async task that a vendor refused or did not answer).
func PublicFailure(text string) string { return publicFailurePrefix + text }

// PublicFailure returns the text of j's failure when it is fit to show, and false
// when it is an operator's business (an internal error).
func (j *Job) PublicFailure() (string, bool) {
	return strings.CutPrefix(j.FailureMessage, publicFailurePrefix)
}
