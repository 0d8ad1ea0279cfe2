package store

import (
	"fmt"
	"regexp"
)

// kmsKeyPattern accepts the forms S3's SSEKMSKeyId takes: a key id, a key
// ARN, an alias name or an alias ARN (and multi-Region key ids).
var kmsKeyPattern = regexp.MustCompile(`^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/[A-Za-z0-9/_-]+|alias/[A-Za-z0-9/_-]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`)

// CheckKMSKey reports whether id (empty: no key) names a KMS key the way
// the S3 store can use it. The CLI's --kms-key and the Lambda's variable
// both go through it.
func CheckKMSKey(id string) error {
	if id == "" || kmsKeyPattern.MatchString(id) {
		return nil
	}
	return fmt.Errorf("%q is not a KMS key id, key ARN, alias or alias ARN", id)
}
