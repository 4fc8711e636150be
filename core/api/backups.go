package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
)

// BackupArchive describes one backup archive kept by the server.
type BackupArchive struct {
	Name      string
	Kind      string
	CreatedAt time.Time
	Size      int64
}

// ErrBackupExists is returned by BackupNow when a backup was taken within
// the same second.
var ErrBackupExists = errors.New("api: a backup of that name exists")

// Backups takes and lists the backups of a SQLite installation in
// DATA_DIR/backups. The archives themselves are never served: they hold
// the key that decrypts every stored API key.
type Backups interface {
	BackupNow(ctx context.Context) (BackupArchive, error)
	ListBackups(ctx context.Context) ([]BackupArchive, error)
}

type backupBody struct {
	Name      string    `json:"name" example:"searcharr-manual-20261202T183000Z.tar.gz" doc:"File name in DATA_DIR/backups"`
	Kind      string    `json:"kind" enum:"manual,scheduled" doc:"scheduled backups are removed after the retention; manual ones are kept"`
	CreatedAt time.Time `json:"created_at"`
	Bytes     int64     `json:"bytes"`
}

type backupOutput struct{ Body backupBody }

type backupListOutput struct{ Body []backupBody }

func backupOut(a BackupArchive) backupBody {
	return backupBody{Name: a.Name, Kind: a.Kind, CreatedAt: a.CreatedAt, Bytes: a.Size}
}

// backupRoutes registers the administrators' backup routes, when the
// database is one Searcharr backs up (SQLite).
func (s *Server) backupRoutes() {
	if s.deps.Backups == nil {
		return
	}
	handle(s, operation(http.MethodGet, "/api/system/backups", "list-backups", "system",
		"The backups in the data directory, newest first (administrators)", 0), s.listBackups)
	op := operation(http.MethodPost, "/api/system/backups", "create-backup", "system",
		"Take a backup now into the data directory (administrators); restore it with searcharr restore", http.StatusCreated)
	op.Errors = []int{http.StatusForbidden, http.StatusConflict}
	handle(s, op, s.createBackup)
}

func (s *Server) listBackups(ctx context.Context, _ *struct{}) (*backupListOutput, error) {
	if !principalFrom(ctx).user.IsAdmin {
		return nil, huma.Error403Forbidden("only an administrator may list backups")
	}
	list, err := s.deps.Backups.ListBackups(ctx)
	if err != nil {
		return nil, err
	}
	out := &backupListOutput{Body: make([]backupBody, len(list))}
	for i, a := range list {
		out.Body[i] = backupOut(a)
	}
	return out, nil
}

func (s *Server) createBackup(ctx context.Context, _ *struct{}) (*backupOutput, error) {
	if !principalFrom(ctx).user.IsAdmin {
		return nil, huma.Error403Forbidden("only an administrator may take a backup")
	}
	a, err := s.deps.Backups.BackupNow(ctx)
	if errors.Is(err, ErrBackupExists) {
		return nil, huma.Error409Conflict("a backup was taken this second; try again")
	}
	if err != nil {
		return nil, err
	}
	return &backupOutput{Body: backupOut(a)}, nil
}
