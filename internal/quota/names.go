package quota

import "regexp"

var (
	regionPattern    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
	accountIDPattern = regexp.MustCompile(`^\d{12}$`)
)

// ValidRegion reports whether r has the form of an AWS Region name
// (us-east-1, us-gov-west-1).
func ValidRegion(r string) bool { return regionPattern.MatchString(r) }

// ValidAccountID reports whether id is a 12-digit AWS account id.
func ValidAccountID(id string) bool { return accountIDPattern.MatchString(id) }
