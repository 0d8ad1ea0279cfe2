package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Table layout; docs/history.md explains it.
const (
	// attrID is the table's partition key (the legacy layout's).
	attrID = "id"
	// indexByInstance (instance_id, timestamp) holds the run items only:
	// no other item has a timestamp attribute.
	indexByInstance = "by_instance"
	// indexByKey (gsi_pk, gsi_sk) is overloaded: every run under "runs",
	// each quota's points under "series#<quota id>", each account and
	// Region's alert states under "alerts#<account>#<region>".
	indexByKey = "by_key"
	// attrTTL holds the epoch second after which DynamoDB may delete the
	// item.
	attrTTL = "expires_at"
)

// maxItemBytes is DynamoDB's item size limit.
const maxItemBytes = 400 * 1024

// errTooLarge marks a record DynamoDB would refuse; retrying cannot help.
var errTooLarge = errors.New("item too large")

// TableDefinition is the table cqmon expects (docs/history.md); the
// CloudFormation template and tests create it from the same facts.
func TableDefinition(name string) *dynamodb.CreateTableInput {
	s := func(n string) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(n), AttributeType: types.ScalarAttributeTypeS}
	}
	key := func(hash, rng string) []types.KeySchemaElement {
		return []types.KeySchemaElement{
			{AttributeName: aws.String(hash), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(rng), KeyType: types.KeyTypeRange},
		}
	}
	all := &types.Projection{ProjectionType: types.ProjectionTypeAll}
	return &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{s(attrID), s("instance_id"), s("timestamp"), s("gsi_pk"), s("gsi_sk")},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String(attrID), KeyType: types.KeyTypeHash}},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{
			{IndexName: aws.String(indexByInstance), KeySchema: key("instance_id", "timestamp"), Projection: all},
			{IndexName: aws.String(indexByKey), KeySchema: key("gsi_pk", "gsi_sk"), Projection: all},
		},
	}
}

// toItem converts a JSON-encodable value to a DynamoDB item with the same
// shape as its JSON: objects become maps, arrays lists, null NULL.
func toItem(v any) (map[string]types.AttributeValue, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	return toAV(m).(*types.AttributeValueMemberM).Value, nil
}

func toAV(v any) types.AttributeValue {
	switch x := v.(type) {
	case nil:
		return &types.AttributeValueMemberNULL{Value: true}
	case bool:
		return &types.AttributeValueMemberBOOL{Value: x}
	case json.Number:
		return &types.AttributeValueMemberN{Value: x.String()}
	case string:
		return &types.AttributeValueMemberS{Value: x}
	case []any:
		l := make([]types.AttributeValue, len(x))
		for i, e := range x {
			l[i] = toAV(e)
		}
		return &types.AttributeValueMemberL{Value: l}
	case map[string]any:
		m := make(map[string]types.AttributeValue, len(x))
		for k, e := range x {
			m[k] = toAV(e)
		}
		return &types.AttributeValueMemberM{Value: m}
	}
	panic(fmt.Sprintf("store: unexpected JSON value %T", v))
}

// fromItem decodes an item into out through JSON, the way toItem encoded
// it; attributes out does not know are ignored.
func fromItem(item map[string]types.AttributeValue, out any) error {
	b, err := json.Marshal(fromAV(&types.AttributeValueMemberM{Value: item}))
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

func fromAV(av types.AttributeValue) any {
	switch x := av.(type) {
	case *types.AttributeValueMemberS:
		return x.Value
	case *types.AttributeValueMemberN:
		return json.Number(x.Value)
	case *types.AttributeValueMemberBOOL:
		return x.Value
	case *types.AttributeValueMemberL:
		l := make([]any, len(x.Value))
		for i, e := range x.Value {
			l[i] = fromAV(e)
		}
		return l
	case *types.AttributeValueMemberM:
		m := make(map[string]any, len(x.Value))
		for k, e := range x.Value {
			m[k] = fromAV(e)
		}
		return m
	case *types.AttributeValueMemberSS:
		return x.Value
	case *types.AttributeValueMemberNS:
		l := make([]any, len(x.Value))
		for i, n := range x.Value {
			l[i] = json.Number(n)
		}
		return l
	case *types.AttributeValueMemberB:
		return x.Value
	}
	return nil
}

// itemSize is an item's size as DynamoDB counts it against its 400 KB
// limit: attribute names and values in UTF-8, numbers about one byte per
// two digits plus one, and three bytes plus one per element for maps and
// lists.
func itemSize(item map[string]types.AttributeValue) int {
	n := 0
	for k, v := range item {
		n += len(k) + avSize(v)
	}
	return n
}

func avSize(av types.AttributeValue) int {
	switch x := av.(type) {
	case *types.AttributeValueMemberS:
		return len(x.Value)
	case *types.AttributeValueMemberN:
		digits := strings.TrimLeft(strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, strings.SplitN(strings.ToLower(x.Value), "e", 2)[0]), "0")
		return (utf8.RuneCountInString(digits)+1)/2 + 1
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1
	case *types.AttributeValueMemberL:
		n := 3
		for _, e := range x.Value {
			n += 1 + avSize(e)
		}
		return n
	case *types.AttributeValueMemberM:
		n := 3
		for k, e := range x.Value {
			n += 1 + len(k) + avSize(e)
		}
		return n
	case *types.AttributeValueMemberSS:
		n := 0
		for _, s := range x.Value {
			n += len(s)
		}
		return n
	case *types.AttributeValueMemberB:
		return len(x.Value)
	}
	return 0
}
