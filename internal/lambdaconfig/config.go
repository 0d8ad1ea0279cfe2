// Package lambdaconfig is the Lambda function's configuration: one Config
// filled from the environment (the Python Lambda's variable names where it
// had one, CQMON_* for the rest), checked by one Validate that names the
// variable and its value. The function turns it into the options of its
// runs (cmd/cqmon-lambda). It also lists the IAM actions the function needs, so the CloudFormation
// template can be checked against the code.
package lambdaconfig

import (
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cqmon/cqmon/internal/alert"
	"github.com/cqmon/cqmon/internal/awsapi"
	"github.com/cqmon/cqmon/internal/catalog"
	"github.com/cqmon/cqmon/internal/emf"
	"github.com/cqmon/cqmon/internal/engine"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/store"
)

// The environment variables the function reads.
const (
	EnvThreshold     = "THRESHOLD_PERCENTAGE"
	EnvTopicARN      = "ALERT_SNS_TOPIC_ARN"
	EnvUseS3         = "USE_S3_STORAGE"
	EnvBucket        = "S3_BUCKET_NAME"
	EnvUseDynamoDB   = "USE_DYNAMODB"
	EnvTable         = "DYNAMODB_TABLE_NAME"
	EnvRegions       = "CQMON_REGIONS"
	EnvLookback      = "CQMON_LOOKBACK"
	EnvRemindAfter   = "CQMON_REMIND_AFTER"
	EnvHysteresis    = "CQMON_HYSTERESIS"
	EnvHorizonDays   = "CQMON_HORIZON_DAYS"
	EnvMute          = "CQMON_MUTE"
	EnvThresholds    = "CQMON_THRESHOLDS"
	EnvSingletons    = "CQMON_ALERT_SINGLETONS"
	EnvRetentionDays = "CQMON_RETENTION_DAYS"
	EnvKMSKeyID      = "CQMON_KMS_KEY_ID"
	EnvRateShare     = "CQMON_RATE_SHARE"
	// EnvRateShareMax is the most of a Connect operation's rate a run may
	// use when the account's own recent calls leave it idle.
	EnvRateShareMax = "CQMON_RATE_SHARE_MAX"
	EnvMaxParents   = "CQMON_MAX_PARENTS"
	EnvSkipServices = "CQMON_SKIP_SERVICES"
	EnvChatbot      = "CQMON_CHATBOT"
	EnvLogLevel     = "LOG_LEVEL"
	// EnvMetricsNamespace is the CloudWatch namespace of the metrics each
	// run writes to its log in Embedded Metric Format.
	EnvMetricsNamespace = "CQMON_METRICS_NAMESPACE"
	// EnvMetrics says which quotas get metrics (emf.ParseSelection).
	EnvMetrics = "CQMON_METRICS"
)

// Vars lists every variable Load reads, in the order the documentation
// gives them.
var Vars = []string{
	EnvThreshold, EnvTopicARN, EnvUseS3, EnvBucket, EnvUseDynamoDB, EnvTable,
	EnvRegions, EnvLookback, EnvRemindAfter, EnvHysteresis, EnvHorizonDays, EnvMute, EnvThresholds, EnvSingletons,
	EnvRetentionDays, EnvKMSKeyID, EnvRateShare, EnvRateShareMax, EnvMaxParents, EnvSkipServices, EnvChatbot, EnvLogLevel,
	EnvMetricsNamespace, EnvMetrics,
}

// Bounds of the values Validate accepts. The CloudFormation template's
// parameter constraints are tested against them.
const (
	MinThreshold     = quota.MinThreshold
	MaxThreshold     = quota.MaxThreshold
	MinHysteresis    = 0
	MaxHysteresis    = alert.MaxHysteresis
	MinRetentionDays = 1
	// MaxHorizonDays bounds the forecast horizon; 0 turns forecast
	// alerts off.
	MaxHorizonDays = 365
	// MaxRetentionDays is ten years: history is a planning aid, and the
	// S3 lifecycle rule and DynamoDB TTL take any number of days.
	MaxRetentionDays = 3650
	MinRateShare     = awsapi.MinShare
	MaxRateShare     = awsapi.MaxShare
	MinLookback      = engine.MinLookback
	MaxLookback      = engine.MaxLookback
	MinRemindAfter   = alert.MinRemindAfter

	// MinMemoryMB and MaxMemoryMB are Lambda's own bounds on a function's
	// memory; MaxTimeoutSeconds is Lambda's longest timeout.
	MinMemoryMB       = 128
	MaxMemoryMB       = 10240
	MaxTimeoutSeconds = 900
	// MinTimeoutSeconds leaves a scan of a small account time to list its
	// instances, read Service Quotas and write its history.
	MinTimeoutSeconds = 60
)

// DefaultRetentionDays is how long history is kept when
// CQMON_RETENTION_DAYS is not set (the stores' default).
var DefaultRetentionDays = int(store.DefaultRetention / (24 * time.Hour))

// Config is the function's configuration.
type Config struct {
	// Threshold in percent: a quota at or above it is a violation.
	Threshold float64
	// TopicARN is the SNS topic alerts are published to; empty means no
	// alerts.
	TopicARN string
	// UseS3 keeps history and alert memory in Bucket (at its root, as the
	// Python Lambda did).
	UseS3  bool
	Bucket string
	// UseDynamoDB keeps history and alert memory in Table.
	UseDynamoDB bool
	Table       string
	// Regions to scan; empty means the function's own Region.
	Regions     []string
	Lookback    time.Duration
	RemindAfter time.Duration
	Hysteresis  float64
	// HorizonDays: a quota under the threshold whose forecast reaches the
	// limit within this many days alerts; 0 turns that off.
	HorizonDays int
	Mutes       []alert.Mute
	// Thresholds override Threshold for the quotas they match.
	Thresholds []quota.ThresholdRule
	// AlertSingletons alerts about quotas whose one item fills a limit
	// of 1.
	AlertSingletons bool
	// RetentionDays is how long history is kept.
	RetentionDays int
	// KMSKeyID is the customer managed key the stack encrypts its topic,
	// table, queue and bucket with; S3 objects are written with it
	// (SSE-KMS).
	KMSKeyID  string
	RateShare float64
	// RateShareMax is the most of an idle Connect operation's rate a run
	// may use; under RateShare it changes nothing.
	RateShareMax float64
	MaxParents   int
	// SkipServices are the related services not measured at all.
	SkipServices []string
	// Chatbot publishes to the topic for AWS Chatbot: its HTTPS
	// subscribers get Chatbot custom notifications.
	Chatbot  bool
	LogLevel slog.Level
	// MetricsNamespace and Metrics say where and for which quotas each run
	// writes its CloudWatch metrics (Embedded Metric Format records in the
	// function's log).
	MetricsNamespace string
	Metrics          emf.Selection

	// raw holds the variables as read, so messages quote what was written.
	raw map[string]string
}

// Default returns the configuration of an empty environment.
func Default() Config {
	return Config{
		Threshold:     engine.DefaultThreshold,
		Lookback:      engine.DefaultLookback,
		RemindAfter:   alert.DefaultRemindAfter,
		Hysteresis:    alert.DefaultHysteresis,
		HorizonDays:   int(alert.DefaultHorizon / (24 * time.Hour)),
		RetentionDays: DefaultRetentionDays,
		RateShare:     awsapi.DefaultShare,
		RateShareMax:  awsapi.DefaultShareMax,
		MaxParents:    engine.DefaultMaxParents,
		LogLevel:      slog.LevelInfo,

		MetricsNamespace: emf.DefaultNamespace,
		Metrics:          emf.DefaultSelection(),
	}
}

// Load fills a Config from the environment (getenv is os.Getenv outside
// tests) and validates it. Unset and empty variables keep their defaults.
// The error names every bad variable with its value.
func Load(getenv func(string) string) (Config, error) {
	c := Default()
	c.raw = map[string]string{}
	var errs []error
	for _, name := range Vars {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			continue
		}
		c.raw[name] = v
		if err := c.set(name, v); err != nil {
			errs = append(errs, err)
			delete(c.raw, name)
		}
	}
	// A variable that did not parse keeps its valid default, so Validate
	// adds only the other variables' problems.
	if err := c.Validate(); err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(errs...)
}

// set parses one variable into its field, which keeps its default when
// the value does not parse; ranges are Validate's job.
func (c *Config) set(name, v string) error {
	var err error
	switch name {
	case EnvThreshold:
		err = parseNumber(name, v, &c.Threshold)
	case EnvHysteresis:
		err = parseNumber(name, v, &c.Hysteresis)
	case EnvRateShare:
		err = parseNumber(name, v, &c.RateShare)
	case EnvRateShareMax:
		err = parseNumber(name, v, &c.RateShareMax)
	case EnvRetentionDays:
		err = parseWhole(name, v, &c.RetentionDays)
	case EnvMaxParents:
		err = parseWhole(name, v, &c.MaxParents)
	case EnvHorizonDays:
		err = parseWhole(name, v, &c.HorizonDays)
	case EnvUseS3:
		err = parseBool(name, v, &c.UseS3)
	case EnvUseDynamoDB:
		err = parseBool(name, v, &c.UseDynamoDB)
	case EnvSingletons:
		err = parseBool(name, v, &c.AlertSingletons)
	case EnvChatbot:
		err = parseBool(name, v, &c.Chatbot)
	case EnvLookback:
		err = parseDuration(name, v, &c.Lookback)
	case EnvRemindAfter:
		err = parseDuration(name, v, &c.RemindAfter)
	case EnvLogLevel:
		err = parseLevel(name, v, &c.LogLevel)
	case EnvTopicARN:
		c.TopicARN = v
	case EnvBucket:
		c.Bucket = v
	case EnvTable:
		c.Table = v
	case EnvKMSKeyID:
		c.KMSKeyID = v
	case EnvMetricsNamespace:
		c.MetricsNamespace = v
	case EnvMetrics:
		sel, serr := emf.ParseSelection(v)
		if serr != nil {
			return fmt.Errorf("%s: %w", name, serr)
		}
		c.Metrics = sel
	case EnvRegions:
		c.Regions = splitList(v)
	case EnvSkipServices:
		c.SkipServices = splitList(v)
	case EnvMute:
		mutes, merr := alert.ParseMutes(v)
		if merr != nil {
			return perLine(name, merr)
		}
		c.Mutes = mutes
	case EnvThresholds:
		rules, terr := quota.ParseThresholds(v)
		if terr != nil {
			return perLine(name, terr)
		}
		c.Thresholds = rules
	}
	return err
}

// perLine names the variable on each line of a list's joined errors, one
// line per bad entry.
func perLine(name string, err error) error {
	var errs []error
	for _, line := range strings.Split(err.Error(), "\n") {
		errs = append(errs, fmt.Errorf("%s: %s", name, line))
	}
	return errors.Join(errs...)
}

var (
	// namespacePattern: CloudWatch namespaces are 1-255 of these
	// characters (PutMetricData's Namespace), and AWS/ is AWS's own.
	namespacePattern = regexp.MustCompile(`^[A-Za-z0-9.\-_/#:]{1,255}$`)
)

// Validate checks every field and names each bad one by its variable and
// value.
func (c Config) Validate() error {
	var errs []error
	bad := func(name string, value any, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %q %s", name, c.show(name, value), fmt.Sprintf(format, args...)))
	}
	if quota.CheckThreshold(c.Threshold) != nil {
		bad(EnvThreshold, c.Threshold, "is outside %d-%d", MinThreshold, MaxThreshold)
	}
	if c.TopicARN != "" {
		if _, err := alert.ParseSpec("sns:" + c.TopicARN); err != nil {
			// A URL set here by mistake may carry a secret.
			errs = append(errs, fmt.Errorf("%s: %q is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>, not FIFO)", EnvTopicARN, alert.Redact(c.TopicARN)))
		}
	}
	if c.UseS3 {
		if c.Bucket == "" {
			bad(EnvBucket, c.Bucket, "must name the bucket when %s is true", EnvUseS3)
		} else if _, err := store.ParseSpec("s3://" + c.Bucket); err != nil || strings.Contains(c.Bucket, "/") {
			bad(EnvBucket, c.Bucket, "is not an S3 bucket name")
		}
	}
	if c.UseDynamoDB {
		if c.Table == "" {
			bad(EnvTable, c.Table, "must name the table when %s is true", EnvUseDynamoDB)
		} else if _, err := store.ParseSpec("dynamodb:" + c.Table); err != nil {
			bad(EnvTable, c.Table, "is not a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)")
		}
	}
	for _, r := range c.Regions {
		if !quota.ValidRegion(r) {
			errs = append(errs, fmt.Errorf("%s: %q is not an AWS Region name (like us-east-1)", EnvRegions, r))
		}
	}
	if c.Lookback < MinLookback || c.Lookback > MaxLookback {
		bad(EnvLookback, c.Lookback, "is outside %s-%s", quota.FormatDuration(MinLookback), quota.FormatDuration(MaxLookback))
	}
	if c.RemindAfter < MinRemindAfter {
		bad(EnvRemindAfter, c.RemindAfter, "is shorter than %s", quota.FormatDuration(MinRemindAfter))
	}
	switch {
	case !quota.InRange(c.Hysteresis, MinHysteresis, MaxHysteresis):
		bad(EnvHysteresis, c.Hysteresis, "is outside %d-%d (percentage points)", MinHysteresis, MaxHysteresis)
	case c.Hysteresis >= c.Threshold && quota.CheckThreshold(c.Threshold) == nil:
		bad(EnvHysteresis, c.Hysteresis, "is not below %s %s", EnvThreshold, c.show(EnvThreshold, c.Threshold))
	}
	if c.HorizonDays < 0 || c.HorizonDays > MaxHorizonDays {
		bad(EnvHorizonDays, c.HorizonDays, "is outside 0-%d (days; 0 turns forecast alerts off)", MaxHorizonDays)
	}
	for _, t := range c.Thresholds {
		if t.Percent <= c.Hysteresis {
			errs = append(errs, fmt.Errorf("%s: %q is not above %s %s, so the quota could never recover", EnvThresholds, t.String(), EnvHysteresis, c.show(EnvHysteresis, c.Hysteresis)))
		}
	}
	if c.RetentionDays < MinRetentionDays || c.RetentionDays > MaxRetentionDays {
		bad(EnvRetentionDays, c.RetentionDays, "is outside %d-%d (days)", MinRetentionDays, MaxRetentionDays)
	}
	if err := store.CheckKMSKey(c.KMSKeyID); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", EnvKMSKeyID, err))
	}
	if awsapi.CheckShare(c.RateShare) != nil {
		bad(EnvRateShare, c.RateShare, "is outside %v-%v", MinRateShare, MaxRateShare)
	}
	// A maximum under the share leaves the share alone: the template sets
	// the two independently.
	if awsapi.CheckShare(c.RateShareMax) != nil {
		bad(EnvRateShareMax, c.RateShareMax, "is outside %v-%v", MinRateShare, MaxRateShare)
	}
	if c.MaxParents < 0 {
		bad(EnvMaxParents, c.MaxParents, "is negative (0 means no bound)")
	}
	if !namespacePattern.MatchString(c.MetricsNamespace) || strings.HasPrefix(c.MetricsNamespace, "AWS/") {
		bad(EnvMetricsNamespace, c.MetricsNamespace, "is not a CloudWatch namespace (1-255 of A-Z a-z 0-9 . - _ / # :, not starting AWS/)")
	}
	if err := engine.CheckSkipServices(catalog.Default().Measured(), c.SkipServices); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", EnvSkipServices, err))
	}
	return errors.Join(errs...)
}

// show gives a value as it was written in the environment, or formatted
// when the Config was built in code.
func (c Config) show(name string, value any) string {
	if v, ok := c.raw[name]; ok {
		return v
	}
	switch v := value.(type) {
	case time.Duration:
		return quota.FormatDuration(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return fmt.Sprint(value)
}

// Stores returns the store specs the configuration enables, DynamoDB
// first: history reads come from the first store that answers, and
// DynamoDB answers those with one Query. The alert memory is read from
// both and merged, newest state first (store.Multi).
func (c Config) Stores() []string {
	var out []string
	if c.UseDynamoDB {
		out = append(out, "dynamodb:"+c.Table)
	}
	if c.UseS3 {
		out = append(out, "s3://"+c.Bucket+"/")
	}
	return out
}
