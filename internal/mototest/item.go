package mototest

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Item is a JSON-shaped document (strings, numbers, lists, maps) as
// boto3 puts it into DynamoDB: numbers as N, strings as S, so tests can
// write the items another program wrote.
func Item(doc map[string]any) map[string]types.AttributeValue {
	return attr(doc).(*types.AttributeValueMemberM).Value
}

func attr(v any) types.AttributeValue {
	switch x := v.(type) {
	case string:
		return &types.AttributeValueMemberS{Value: x}
	case int, float64:
		return &types.AttributeValueMemberN{Value: fmt.Sprint(x)}
	case []any:
		l := &types.AttributeValueMemberL{Value: []types.AttributeValue{}}
		for _, e := range x {
			l.Value = append(l.Value, attr(e))
		}
		return l
	case map[string]any:
		m := &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{}}
		for k, e := range x {
			m.Value[k] = attr(e)
		}
		return m
	}
	panic(fmt.Sprintf("mototest: %T is not a JSON value", v))
}
