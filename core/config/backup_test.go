package config

import (
	"strings"
	"testing"
	"time"
)

func TestLoadBackupSchedule(t *testing.T) {
	day := 24 * time.Hour
	cases := []struct {
		env                 map[string]string
		args                []string
		interval, retention time.Duration
	}{
		{nil, nil, 7 * day, 28 * day},
		{map[string]string{"SEARCHARR_BACKUP_INTERVAL": "1d", "SEARCHARR_BACKUP_RETENTION": "7d"}, nil, day, 7 * day},
		{map[string]string{"SEARCHARR_BACKUP_INTERVAL": "12h"}, []string{"--backup-retention", "0"}, 12 * time.Hour, 0},
		{map[string]string{"SEARCHARR_BACKUP_INTERVAL": "0"}, nil, 0, 28 * day},
		{nil, []string{"--backup-interval", "0d"}, 0, 28 * day},
	}
	for _, tc := range cases {
		c, err := Load(tc.args, envOf(tc.env))
		if err != nil {
			t.Fatal(err)
		}
		if c.BackupInterval != tc.interval || c.BackupRetention != tc.retention {
			t.Errorf("%v %v: interval %s, retention %s; want %s, %s", tc.env, tc.args, c.BackupInterval, c.BackupRetention, tc.interval, tc.retention)
		}
	}
}

func TestLoadRejectsBadBackupSchedule(t *testing.T) {
	cases := []struct {
		env   map[string]string
		field string
	}{
		{map[string]string{"SEARCHARR_BACKUP_INTERVAL": "weekly"}, "backup-interval"},
		{map[string]string{"SEARCHARR_BACKUP_INTERVAL": "10m"}, "backup-interval"},
		{map[string]string{"SEARCHARR_BACKUP_INTERVAL": "-1h"}, "backup-interval"},
		{map[string]string{"SEARCHARR_BACKUP_RETENTION": "-2d"}, "backup-retention"},
		{map[string]string{"SEARCHARR_BACKUP_RETENTION": "1.5d"}, "backup-retention"},
	}
	for _, tc := range cases {
		_, err := Load(nil, envOf(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%v: want an error naming %s, got %v", tc.env, tc.field, err)
		}
	}
}
