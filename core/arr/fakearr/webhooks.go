package fakearr

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/vibequality/searcharr/core/domain"
)

// grabEvent builds the Grab webhook of a download.
func (in *Instance) grabEvent(d *download) hookEvent {
	rel := grabRelease{Quality: d.quality.name, QualityVersion: 1, ReleaseGroup: releaseGroups[d.group],
		ReleaseTitle: d.title, Indexer: d.indexer, Size: d.size, CustomFormats: []string{}, Languages: []language{english}}
	cfi := hookCustomFormatInfo{CustomFormats: []struct{}{}}
	if d.episodes != nil {
		eps := make([]hookEpisode, len(d.episodes))
		for k, i := range d.episodes {
			eps[k] = in.hookEpisode(i)
		}
		return hookEvent{"Grab", struct {
			Series             hookSeries           `json:"series"`
			Episodes           []hookEpisode        `json:"episodes"`
			Release            grabRelease          `json:"release"`
			DownloadClient     string               `json:"downloadClient"`
			DownloadClientType string               `json:"downloadClientType"`
			DownloadID         string               `json:"downloadId"`
			CustomFormatInfo   hookCustomFormatInfo `json:"customFormatInfo"`
			hookTail
		}{in.hookSeries(int(in.son.episodes[d.episodes[0]].series)), eps, rel, downloadClient, "Sabnzbd", d.downloadID, cfi, in.tail("Grab", true)}}
	}
	rel.IndexerFlags = &[]string{}
	return hookEvent{"Grab", struct {
		Movie              hookMovie            `json:"movie"`
		RemoteMovie        hookRemoteMovie      `json:"remoteMovie"`
		Release            grabRelease          `json:"release"`
		DownloadClient     string               `json:"downloadClient"`
		DownloadClientType string               `json:"downloadClientType"`
		DownloadID         string               `json:"downloadId"`
		CustomFormatInfo   hookCustomFormatInfo `json:"customFormatInfo"`
		hookTail
	}{in.hookMovie(d.movie), remoteMovie(&in.rad.movies[d.movie]), rel, downloadClient, "Sabnzbd", d.downloadID, cfi, in.tail("Grab", true)}}
}

// downloadEvent builds the Download webhook of one imported file; old is
// the file it replaced, if any.
func (in *Instance) downloadEvent(d *download, item int32, old fileInfo, at time.Time) hookEvent {
	var f fileInfo
	if d.episodes != nil {
		f = in.son.episodes[item].file
	} else {
		f = in.rad.movies[item].file
	}
	file := in.fileOf(item, f)
	file.SourcePath = "/downloads/complete/" + d.title + "/" + d.title + ".mkv"
	var deleted []hookFile
	if old.id != 0 {
		del := in.fileOf(item, old)
		del.RecycleBinPath = "/recycle" + del.Path
		deleted = []hookFile{del}
	}
	cfi := hookCustomFormatInfo{CustomFormats: []struct{}{}}
	if d.episodes != nil {
		rel := downloadRelease{ReleaseTitle: d.title, Indexer: d.indexer, Size: d.size, ReleaseType: d.releaseType}
		return hookEvent{"Download", struct {
			Series             hookSeries           `json:"series"`
			Episodes           []hookEpisode        `json:"episodes"`
			EpisodeFile        hookFile             `json:"episodeFile"`
			IsUpgrade          bool                 `json:"isUpgrade"`
			DownloadClient     string               `json:"downloadClient"`
			DownloadClientType string               `json:"downloadClientType"`
			DownloadID         string               `json:"downloadId"`
			DeletedFiles       []hookFile           `json:"deletedFiles,omitempty"`
			CustomFormatInfo   hookCustomFormatInfo `json:"customFormatInfo"`
			Release            downloadRelease      `json:"release"`
			hookTail
		}{in.hookSeries(int(in.son.episodes[item].series)), []hookEpisode{in.hookEpisode(item)}, file, old.id != 0,
			downloadClient, "Sabnzbd", d.downloadID, deleted, cfi, rel, in.tail("Download", true)}}
	}
	rel := downloadRelease{ReleaseTitle: d.title, Indexer: d.indexer, Size: d.size, IndexerFlags: &[]string{}}
	return hookEvent{"Download", struct {
		Movie              hookMovie            `json:"movie"`
		RemoteMovie        hookRemoteMovie      `json:"remoteMovie"`
		MovieFile          hookFile             `json:"movieFile"`
		IsUpgrade          bool                 `json:"isUpgrade"`
		DownloadClient     string               `json:"downloadClient"`
		DownloadClientType string               `json:"downloadClientType"`
		DownloadID         string               `json:"downloadId"`
		DeletedFiles       []hookFile           `json:"deletedFiles,omitempty"`
		CustomFormatInfo   hookCustomFormatInfo `json:"customFormatInfo"`
		Release            downloadRelease      `json:"release"`
		hookTail
	}{in.hookMovie(int(item)), remoteMovie(&in.rad.movies[item]), file, old.id != 0,
		downloadClient, "Sabnzbd", d.downloadID, deleted, cfi, rel, in.tail("Download", true)}}
}

// healthEvent builds a Health or HealthRestored webhook. Sonarr's Health
// has no applicationUrl; Radarr's Health has one; HealthRestored never.
func (in *Instance) healthEvent(event string, c healthCheck) hookEvent {
	withURL := event == "Health" && in.cfg.Kind == domain.KindRadarr
	return hookEvent{event, struct {
		Level   string `json:"level"`
		Message string `json:"message"`
		Type    string `json:"type"`
		WikiURL string `json:"wikiUrl"`
		hookTail
	}{c.level, c.message, c.source, c.wiki, in.tail(event, withURL)}}
}

// WebhookDelivery is one webhook the instance produced and what became of it.
type WebhookDelivery struct {
	Seq       int       `json:"seq"`
	Time      time.Time `json:"time"`
	EventType string    `json:"eventType"`
	Method    string    `json:"method,omitempty"`
	URL       string    `json:"url,omitempty"`
	// Status is the receiver's answer; 0 when not sent or failed.
	Status int `json:"status"`
	// Error says why a delivery failed (a status of 400 or more included).
	Error string `json:"error,omitempty"`
	// Sent is false when no webhook URL is configured.
	Sent bool   `json:"sent"`
	Body string `json:"body"`
}

// hookSender delivers an instance's webhooks in order, one at a time,
// without retry.
type hookSender struct {
	sim    *Sim
	in     *Instance
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	wake   chan struct{}

	mu         sync.Mutex
	queue      []hookEvent
	deliveries []WebhookDelivery
	idle       *sync.Cond
	busy       bool
}

func newHookSender(s *Sim, in *Instance) *hookSender {
	ctx, cancel := context.WithCancel(context.Background())
	h := &hookSender{sim: s, in: in, ctx: ctx, cancel: cancel, done: make(chan struct{}), wake: make(chan struct{}, 1)}
	h.idle = sync.NewCond(&h.mu)
	go h.loop()
	return h
}

func (h *hookSender) enqueue(ev hookEvent) {
	h.mu.Lock()
	h.queue = append(h.queue, ev)
	h.mu.Unlock()
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

func (h *hookSender) loop() {
	defer close(h.done)
	for {
		h.mu.Lock()
		if len(h.queue) == 0 {
			h.busy = false
			h.idle.Broadcast()
			h.mu.Unlock()
			select {
			case <-h.ctx.Done():
				return
			case <-h.wake:
				continue
			}
		}
		ev := h.queue[0]
		h.queue = h.queue[1:]
		h.busy = true
		h.mu.Unlock()
		d := h.deliver(ev)
		h.mu.Lock()
		d.Seq = len(h.deliveries) + 1
		h.deliveries = append(h.deliveries, d)
		h.mu.Unlock()
	}
}

// deliver sends one webhook.
func (h *hookSender) deliver(ev hookEvent) WebhookDelivery {
	cfg := h.in.webhook()
	body, err := json.Marshal(ev.payload)
	d := WebhookDelivery{Time: h.sim.clock.Now(), EventType: ev.eventType, Method: cfg.Method, URL: cfg.URL, Body: string(body)}
	if err != nil {
		d.Error = err.Error()
		return d
	}
	if cfg.URL == "" {
		return d
	}
	d.Sent = true
	req, err := http.NewRequestWithContext(h.ctx, cfg.Method, cfg.URL, bytes.NewReader(body))
	if err != nil {
		d.Error = err.Error()
		return d
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	version := sonarrVersion
	if h.in.cfg.Kind == domain.KindRadarr {
		version = radarrVersion
	}
	req.Header.Set("User-Agent", fmt.Sprintf("%s/%s (alpine 3.21.3)", h.in.cfg.Kind.AppName(), version))
	for k, v := range cfg.Headers {
		req.Header.Set(k, v)
	}
	if cfg.Username != "" || cfg.Password != "" {
		req.SetBasicAuth(cfg.Username, cfg.Password)
	}
	resp, err := h.sim.client.Do(req)
	if err != nil {
		d.Error = err.Error()
		h.sim.log.Warn("webhook failed", "instance", h.in.cfg.Name, "event", ev.eventType, "err", err)
		return d
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	d.Status = resp.StatusCode
	if resp.StatusCode >= 400 {
		d.Error = fmt.Sprintf("fakearr: webhook answered %d", resp.StatusCode)
		h.sim.log.Warn("webhook rejected", "instance", h.in.cfg.Name, "event", ev.eventType, "status", resp.StatusCode)
	}
	return d
}

// list returns the deliveries so far.
func (h *hookSender) list() []WebhookDelivery {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]WebhookDelivery{}, h.deliveries...)
}

// waitIdle blocks until every queued webhook has been delivered or ctx ends.
func (h *hookSender) waitIdle(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		h.mu.Lock()
		h.idle.Broadcast()
		h.mu.Unlock()
	})
	defer stop()
	h.mu.Lock()
	defer h.mu.Unlock()
	for len(h.queue) > 0 || h.busy {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		h.idle.Wait()
	}
	return nil
}

func (h *hookSender) close() {
	h.cancel()
	<-h.done
}
