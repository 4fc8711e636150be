package arr

// QualityModel is a file's or release's quality with its revision.
type QualityModel struct {
	Quality  Quality  `json:"quality"`
	Revision Revision `json:"revision"`
}

// Quality is one quality definition, e.g. {7, "Bluray-1080p", "bluray", 1080}.
type Quality struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Source     string `json:"source"`
	Resolution int    `json:"resolution"`
}

// Revision is a quality's version (proper/repack) counter.
type Revision struct {
	Version  int  `json:"version"`
	Real     int  `json:"real"`
	IsRepack bool `json:"isRepack"`
}

// Tag is one tag; resources refer to tags by ID.
type Tag struct {
	ID    int64  `json:"id"`
	Label string `json:"label"`
}

// QualityProfile is a quality profile with its allowed qualities and cutoff.
type QualityProfile struct {
	ID                    int64                `json:"id"`
	Name                  string               `json:"name"`
	UpgradeAllowed        bool                 `json:"upgradeAllowed"`
	Cutoff                int64                `json:"cutoff"` // a quality or group id
	Items                 []QualityProfileItem `json:"items"`
	MinFormatScore        int                  `json:"minFormatScore"`
	CutoffFormatScore     int                  `json:"cutoffFormatScore"`
	MinUpgradeFormatScore int                  `json:"minUpgradeFormatScore"`
	FormatItems           []FormatItem         `json:"formatItems"`
}

// QualityProfileItem is a quality, or a named group of qualities, in a
// profile.
type QualityProfileItem struct {
	ID      int64                `json:"id"`
	Name    string               `json:"name"`
	Quality *Quality             `json:"quality"`
	Items   []QualityProfileItem `json:"items"`
	Allowed bool                 `json:"allowed"`
}

// FormatItem is a custom format's score in a profile.
type FormatItem struct {
	Format int64  `json:"format"`
	Name   string `json:"name"`
	Score  int    `json:"score"`
}

// SystemStatus is the part of /system/status a client uses.
type SystemStatus struct {
	AppName         string `json:"appName"`
	InstanceName    string `json:"instanceName"`
	Version         string `json:"version"`
	BuildTime       Time   `json:"buildTime"`
	Branch          string `json:"branch"`
	URLBase         string `json:"urlBase"`
	Authentication  string `json:"authentication"`
	IsDocker        bool   `json:"isDocker"`
	IsProduction    bool   `json:"isProduction"`
	OsName          string `json:"osName"`
	OsVersion       string `json:"osVersion"`
	RuntimeVersion  string `json:"runtimeVersion"`
	StartTime       Time   `json:"startTime"`
	DatabaseType    string `json:"databaseType"`
	DatabaseVersion string `json:"databaseVersion"`
}
