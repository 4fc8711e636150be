package fakearr

import (
	"fmt"
	"strings"

	"github.com/vibequality/searcharr/core/domain"
)

// TriggerWebhook produces a webhook as the app would: Test, SeriesAdd
// (Sonarr) or MovieAdded (Radarr) for item id, EpisodeFileDelete or
// MovieFileDelete for item id (the file is deleted, reason manual),
// Health or HealthRestored (an IndexerSearchCheck).
func (in *Instance) TriggerWebhook(event string, id int) error {
	in.mu.Lock()
	ev, err := in.triggerLocked(event, id)
	if err != nil {
		in.mu.Unlock()
		return err
	}
	in.pending = append(in.pending, ev)
	in.unlockAndFlush()
	return nil
}

// DeleteFile deletes the file of an episode or movie (which becomes
// missing) and sends the file-delete webhook.
func (in *Instance) DeleteFile(id int) error {
	event := "EpisodeFileDelete"
	if in.cfg.Kind == domain.KindRadarr {
		event = "MovieFileDelete"
	}
	return in.TriggerWebhook(event, id)
}

func (in *Instance) triggerLocked(event string, id int) (hookEvent, error) {
	sonarr := in.cfg.Kind == domain.KindSonarr
	switch {
	case strings.EqualFold(event, "Test"):
		return in.testEvent(), nil
	case strings.EqualFold(event, "Health"):
		return in.healthEvent("Health", in.check(healthIndexersFailing)), nil
	case strings.EqualFold(event, "HealthRestored"):
		return in.healthEvent("HealthRestored", in.check(healthIndexersFailing)), nil
	case sonarr && strings.EqualFold(event, "SeriesAdd"):
		if id == 0 {
			id = 1
		}
		if id < 1 || id > len(in.son.series) {
			return hookEvent{}, fmt.Errorf("fakearr: series %d: %w", id, domain.ErrNotFound)
		}
		return hookEvent{"SeriesAdd", struct {
			Series hookSeries `json:"series"`
			hookTail
		}{in.hookSeries(id - 1), in.tail("SeriesAdd", true)}}, nil
	case !sonarr && strings.EqualFold(event, "MovieAdded"):
		if id == 0 {
			id = 1
		}
		if id < 1 || id > len(in.rad.movies) {
			return hookEvent{}, fmt.Errorf("fakearr: movie %d: %w", id, domain.ErrNotFound)
		}
		return hookEvent{"MovieAdded", struct {
			Movie     hookMovie `json:"movie"`
			AddMethod string    `json:"addMethod"`
			hookTail
		}{in.hookMovie(id - 1), "manual", in.tail("MovieAdded", true)}}, nil
	case sonarr && strings.EqualFold(event, "EpisodeFileDelete"):
		if id < 1 || id > len(in.son.episodes) || in.son.episodes[id-1].file.id == 0 {
			return hookEvent{}, fmt.Errorf("fakearr: episode %d has no file: %w", id, domain.ErrNotFound)
		}
		i := int32(id - 1)
		e := &in.son.episodes[i]
		file := in.fileOf(i, e.file)
		e.file = fileInfo{}
		in.addHistory("episodeFileDeleted", nil, i, in.now())
		in.touch()
		return hookEvent{"EpisodeFileDelete", struct {
			Series       hookSeries    `json:"series"`
			Episodes     []hookEpisode `json:"episodes"`
			EpisodeFile  hookFile      `json:"episodeFile"`
			DeleteReason string        `json:"deleteReason"`
			hookTail
		}{in.hookSeries(int(e.series)), []hookEpisode{in.hookEpisode(i)}, file, "manual", in.tail("EpisodeFileDelete", true)}}, nil
	case !sonarr && strings.EqualFold(event, "MovieFileDelete"):
		if id < 1 || id > len(in.rad.movies) || in.rad.movies[id-1].file.id == 0 {
			return hookEvent{}, fmt.Errorf("fakearr: movie %d has no file: %w", id, domain.ErrNotFound)
		}
		m := &in.rad.movies[id-1]
		file := in.fileOf(int32(id-1), m.file)
		m.file = fileInfo{}
		in.addHistory("movieFileDeleted", nil, int32(id-1), in.now())
		in.touch()
		return hookEvent{"MovieFileDelete", struct {
			Movie        hookMovie `json:"movie"`
			MovieFile    hookFile  `json:"movieFile"`
			DeleteReason string    `json:"deleteReason"`
			hookTail
		}{in.hookMovie(id - 1), file, "manual", in.tail("MovieFileDelete", true)}}, nil
	}
	return hookEvent{}, fmt.Errorf("fakearr: %s cannot send a %q webhook: %w", in.cfg.Kind.AppName(), event, domain.ErrInvalid)
}

// testEvent is exactly what the apps' BuildTestPayload sends.
func (in *Instance) testEvent() hookEvent {
	if in.cfg.Kind == domain.KindSonarr {
		return hookEvent{"Test", struct {
			Series   hookSeries    `json:"series"`
			Episodes []hookEpisode `json:"episodes"`
			hookTail
		}{
			hookSeries{ID: 1, Title: "Test Title", Path: `C:\testpath`, TvdbID: 1234, Type: "standard", Tags: []string{"test-tag"}},
			[]hookEpisode{{ID: 123, EpisodeNumber: 1, SeasonNumber: 1, Title: "Test title"}},
			in.tail("Test", true),
		}}
	}
	return hookEvent{"Test", struct {
		Movie       hookMovie       `json:"movie"`
		RemoteMovie hookRemoteMovie `json:"remoteMovie"`
		Release     testRelease     `json:"release"`
		hookTail
	}{
		hookMovie{ID: 1, Title: "Test Title", Year: 1970, ReleaseDate: "1970-01-01", FolderPath: `C:\testpath`, Tags: []string{"test-tag"}},
		hookRemoteMovie{TmdbID: 1234, ImdbID: "5678", Title: "Test title", Year: 1970},
		testRelease{Quality: "Test Quality", QualityVersion: 1, ReleaseGroup: "Test Group", ReleaseTitle: "Test Title",
			Indexer: "Test Indexer", Size: 9999999},
		in.tail("Test", true),
	}}
}
