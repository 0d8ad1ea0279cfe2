package main

import (
	"time"

	"github.com/cqmon/cqmon/internal/alert"
	"github.com/cqmon/cqmon/internal/engine"
	"github.com/cqmon/cqmon/internal/lambdaconfig"
	"github.com/cqmon/cqmon/internal/monitor"
	"github.com/cqmon/cqmon/internal/store"
)

// runOptions are the options of the function's runs under cfg. The
// caller adds the logger.
func runOptions(cfg lambdaconfig.Config) monitor.Options {
	eng := engine.DefaultConfig()
	eng.Regions = cfg.Regions
	eng.Threshold = cfg.Threshold
	eng.Lookback = cfg.Lookback
	eng.MaxParents = cfg.MaxParents
	eng.ThresholdRules = cfg.Thresholds
	eng.SkipServices = cfg.SkipServices
	o := monitor.Options{Engine: eng, Alert: alert.DefaultConfig()}
	o.Alert.RemindAfter = cfg.RemindAfter
	o.Alert.Hysteresis = cfg.Hysteresis
	o.Alert.Horizon = time.Duration(cfg.HorizonDays) * 24 * time.Hour
	o.Alert.Mutes = cfg.Mutes
	o.Alert.AlertSingletons = cfg.AlertSingletons
	return o
}

// storeOptions are the options of the stores cfg enables.
func storeOptions(cfg lambdaconfig.Config) store.Options {
	return store.Options{Retention: time.Duration(cfg.RetentionDays) * 24 * time.Hour, KMSKeyID: cfg.KMSKeyID}
}

// notifySpecs are the alert channels cfg enables: the topic, published
// to for people or for AWS Chatbot.
func notifySpecs(cfg lambdaconfig.Config) []alert.Spec {
	if cfg.TopicARN == "" {
		return nil
	}
	kind := "sns"
	if cfg.Chatbot {
		kind = "chatbot"
	}
	return []alert.Spec{{Kind: kind, Target: cfg.TopicARN}}
}
