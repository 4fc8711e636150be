package fakearr

import (
	"net/http"

	"github.com/vibequality/searcharr/core/domain"
)

// systemResource is the part of SystemResource the simulator fills.
type systemResource struct {
	AppName                string  `json:"appName"`
	InstanceName           string  `json:"instanceName"`
	Version                string  `json:"version"`
	BuildTime              apiTime `json:"buildTime"`
	IsDebug                bool    `json:"isDebug"`
	IsProduction           bool    `json:"isProduction"`
	IsAdmin                bool    `json:"isAdmin"`
	IsUserInteractive      bool    `json:"isUserInteractive"`
	StartupPath            string  `json:"startupPath"`
	AppData                string  `json:"appData"`
	OsName                 string  `json:"osName"`
	OsVersion              string  `json:"osVersion"`
	IsNetCore              bool    `json:"isNetCore"`
	IsLinux                bool    `json:"isLinux"`
	IsOsx                  bool    `json:"isOsx"`
	IsWindows              bool    `json:"isWindows"`
	IsDocker               bool    `json:"isDocker"`
	Mode                   string  `json:"mode"`
	Branch                 string  `json:"branch"`
	Authentication         string  `json:"authentication"`
	SqliteVersion          string  `json:"sqliteVersion,omitempty"`
	MigrationVersion       int     `json:"migrationVersion"`
	URLBase                string  `json:"urlBase"`
	RuntimeVersion         string  `json:"runtimeVersion"`
	RuntimeName            string  `json:"runtimeName"`
	StartTime              apiTime `json:"startTime"`
	PackageVersion         string  `json:"packageVersion,omitempty"`
	PackageAuthor          string  `json:"packageAuthor,omitempty"`
	PackageUpdateMechanism string  `json:"packageUpdateMechanism"`
	DatabaseVersion        string  `json:"databaseVersion"`
	DatabaseType           string  `json:"databaseType"`
}

// Versions the simulator reports.
const (
	sonarrVersion = "4.0.19.2979"
	radarrVersion = "6.0.4.10291"
)

func (in *Instance) handleStatus(w http.ResponseWriter) {
	version, migration, runtime, sqlite := sonarrVersion, 213, "6.0.36", "3.48.0"
	if in.cfg.Kind == domain.KindRadarr {
		version, migration, runtime, sqlite = radarrVersion, 241, "8.0.21", ""
	}
	base := in.cfg.URLBase
	if base == "/" {
		base = ""
	}
	writeJSON(w, http.StatusOK, systemResource{
		AppName:                in.cfg.Kind.AppName(),
		InstanceName:           in.cfg.InstanceName,
		Version:                version,
		BuildTime:              apiTimeOf(in.startTime.AddDate(0, -1, 0)),
		IsProduction:           true,
		IsAdmin:                false,
		IsUserInteractive:      false,
		StartupPath:            "/app/bin",
		AppData:                "/config",
		OsName:                 "alpine",
		OsVersion:              "3.21.3",
		IsNetCore:              true,
		IsLinux:                true,
		IsDocker:               true,
		Mode:                   "console",
		Branch:                 "main",
		Authentication:         "forms",
		SqliteVersion:          sqlite,
		MigrationVersion:       migration,
		URLBase:                base,
		RuntimeVersion:         runtime,
		RuntimeName:            ".NET",
		StartTime:              apiTimeOf(in.startTime),
		PackageVersion:         version,
		PackageAuthor:          "[hotio](https://hotio.dev)",
		PackageUpdateMechanism: "docker",
		DatabaseVersion:        "3.48.0",
		DatabaseType:           "sqLite",
	})
}
