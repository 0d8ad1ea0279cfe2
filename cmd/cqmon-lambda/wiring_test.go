package main

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cqmon/cqmon/internal/alert"
	"github.com/cqmon/cqmon/internal/lambdaconfig"
	"github.com/cqmon/cqmon/internal/quota"
	"github.com/cqmon/cqmon/internal/store"
)

func TestRunOptions(t *testing.T) {
	env := map[string]string{
		lambdaconfig.EnvThreshold: "70", lambdaconfig.EnvTopicARN: "arn:aws:sns:us-east-1:123456789012:alerts",
		lambdaconfig.EnvUseS3: "true", lambdaconfig.EnvBucket: "hist", lambdaconfig.EnvUseDynamoDB: "true", lambdaconfig.EnvTable: "history",
		lambdaconfig.EnvRegions: "us-west-2", lambdaconfig.EnvRetentionDays: "30", lambdaconfig.EnvKMSKeyID: "alias/cqmon",
		lambdaconfig.EnvMaxParents: "50", lambdaconfig.EnvThresholds: "instance:acme-prod/code:L-9A46857E=60",
		lambdaconfig.EnvSingletons: "true", lambdaconfig.EnvSkipServices: "voiceid", lambdaconfig.EnvChatbot: "true",
	}
	c, err := lambdaconfig.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	o := runOptions(c)
	if err := o.Validate(); err != nil {
		t.Fatalf("runOptions().Validate() = %v", err)
	}
	if diff := cmp.Diff([]string{"dynamodb:history", "s3://hist/"}, c.Stores()); diff != "" {
		t.Errorf("stores (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(store.Options{Retention: 30 * 24 * time.Hour, KMSKeyID: "alias/cqmon"}, storeOptions(c)); diff != "" {
		t.Errorf("store options (-want +got):\n%s", diff)
	}
	if n := notifySpecs(c); len(n) != 1 || n[0].String() != "chatbot:arn:aws:sns:us-east-1:123456789012:alerts" {
		t.Errorf("notify = %v", n)
	}
	e := o.Engine
	if e.Threshold != 70 || e.MaxParents != 50 || len(e.Regions) != 1 || e.Regions[0] != "us-west-2" ||
		len(e.SkipServices) != 1 || e.SkipServices[0] != "voiceid" {
		t.Errorf("engine config = %+v", e)
	}
	if o.Alert.RemindAfter != alert.DefaultRemindAfter || o.Alert.Hysteresis != alert.DefaultHysteresis || !o.Alert.AlertSingletons {
		t.Errorf("alert config = %+v", o.Alert)
	}
	want := []quota.ThresholdRule{{Kind: quota.ThresholdInstance, Instance: "acme-prod", Quota: "L-9A46857E", Percent: 60}}
	if diff := cmp.Diff(want, e.ThresholdRules); diff != "" {
		t.Errorf("threshold rules (-want +got):\n%s", diff)
	}
}

// FuzzRunOptions: a configuration lambdaconfig.Load accepts gives run
// options that validate, so a cold start never fails after the
// environment was found good.
func FuzzRunOptions(f *testing.F) {
	f.Add("75", "7d", "90m", "2.5", "14", "0.25", "code:L-22922690=90")
	f.Add("", "", "", "", "", "", "")
	f.Add("99", "14d", "1m", "50", "0", "1", "name:Rate of *=99")
	f.Add("1", "1m", "36500d", "0", "365", "0.05", "code:L-22922690=1.5")
	f.Fuzz(func(t *testing.T, threshold, lookback, remind, hysteresis, horizon, share, thresholds string) {
		env := map[string]string{
			lambdaconfig.EnvThreshold: threshold, lambdaconfig.EnvLookback: lookback, lambdaconfig.EnvRemindAfter: remind,
			lambdaconfig.EnvHysteresis: hysteresis, lambdaconfig.EnvHorizonDays: horizon, lambdaconfig.EnvRateShare: share,
			lambdaconfig.EnvThresholds: thresholds,
		}
		c, err := lambdaconfig.Load(func(k string) string { return env[k] })
		if err != nil {
			return
		}
		if err := runOptions(c).Validate(); err != nil {
			t.Fatalf("Load accepted options that do not validate: %v", err)
		}
		if err := storeOptions(c).Validate(); err != nil {
			t.Fatalf("Load accepted store options that do not validate: %v", err)
		}
	})
}
