package fakearr

import (
	"net/http"

	"github.com/vibequality/searcharr/core/domain"
)

// qualityProfileResource is the apps' QualityProfileResource.
type qualityProfileResource struct {
	Name                  string               `json:"name"`
	UpgradeAllowed        bool                 `json:"upgradeAllowed"`
	Cutoff                int                  `json:"cutoff"`
	Items                 []profileQualityItem `json:"items"`
	MinFormatScore        int                  `json:"minFormatScore"`
	CutoffFormatScore     int                  `json:"cutoffFormatScore"`
	MinUpgradeFormatScore int                  `json:"minUpgradeFormatScore"`
	FormatItems           []profileFormatItem  `json:"formatItems"`
	Language              *language            `json:"language,omitempty"`
	ID                    int                  `json:"id,omitempty"`
}

type profileQualityItem struct {
	Quality qualityResource      `json:"quality"`
	Items   []profileQualityItem `json:"items"`
	Allowed bool                 `json:"allowed"`
}

type profileFormatItem struct {
	Format int    `json:"format"`
	Name   string `json:"name"`
	Score  int    `json:"score"`
}

// qualityTable returns the instance kind's quality definitions.
func (in *Instance) qualityTable() []quality {
	if in.cfg.Kind == domain.KindRadarr {
		return radarrQualities
	}
	return sonarrQualities
}

// profileResource builds the resource of a profile.
func (in *Instance) profileResource(p profile) qualityProfileResource {
	table := in.qualityTable()
	r := qualityProfileResource{
		Name:                  p.name,
		UpgradeAllowed:        p.upgradeAllowed,
		Cutoff:                table[p.cutoffRank].id,
		MinFormatScore:        p.minScore,
		CutoffFormatScore:     p.cutoffScore,
		MinUpgradeFormatScore: 1,
		ID:                    p.id,
	}
	for rank, q := range table {
		r.Items = append(r.Items, profileQualityItem{
			Quality: toQualityModel(q).Quality,
			Items:   []profileQualityItem{},
			Allowed: rank >= p.minRank && rank <= p.maxRank,
		})
	}
	for _, cf := range customFormats {
		score := 0
		if p.cutoffScore > 0 || cf.score < 0 {
			score = cf.score
		}
		r.FormatItems = append(r.FormatItems, profileFormatItem{Format: cf.id, Name: cf.name, Score: score})
	}
	if in.cfg.Kind == domain.KindRadarr {
		l := english
		r.Language = &l
	}
	return r
}

// handleProfiles serves GET qualityprofile and qualityprofile/{id}.
func (in *Instance) handleProfiles(w http.ResponseWriter, id int, byID bool) {
	if byID {
		if id < 1 || id > len(profiles) {
			writeNotFound(w, in.nextTrace())
			return
		}
		writeJSON(w, http.StatusOK, in.profileResource(profiles[id-1]))
		return
	}
	out := make([]qualityProfileResource, len(profiles))
	for i, p := range profiles {
		out[i] = in.profileResource(p)
	}
	writeJSON(w, http.StatusOK, out)
}
