package dispatch

import (
	"context"
	"errors"
	"log/slog"
	"slices"

	"github.com/vibequality/searcharr/core/domain"
)

// reconcile settles a batch whose earlier POST may have reached the arr
// (the process crashed, or the answer was lost): when the arr's command
// list holds an equal command queued since shortly before the attempt,
// that is the command, recorded as sent under its id for every command of
// the batch, and true is returned. Otherwise the command must be posted again; the arr's own
// de-duplication makes that safe while an equal command is still queued.
func (in *instance) reconcile(ctx context.Context, log *slog.Logger, sender Sender, b batch) (bool, error) {
	cmd, c := b.cmds[0], b.command
	var list []ArrCommand
	err := in.call(func() (err error) {
		list, err = sender.RecentCommands(ctx)
		return err
	})
	if err != nil {
		return false, err
	}
	from := cmd.AttemptedAt.Add(-in.d.cfg.ReconcileWindow)
	var match *ArrCommand
	for i := range list {
		a := &list[i]
		if a.Queued.Before(from) || !sameCommand(a.Command, c) {
			continue
		}
		if match == nil || a.ID > match.ID {
			match = a
		}
	}
	if match == nil {
		log.InfoContext(ctx, "attempted command not found at the arr; sending it again", "command_id", cmd.ID)
		return false, nil
	}
	log.InfoContext(ctx, "attempted command found at the arr", "command_id", cmd.ID, "arr_command_id", match.ID, "arr_status", match.Status)
	var ended *ArrCommand
	if match.Done() {
		ended = match
	}
	return true, in.recordSent(ctx, log, b, match.ID, ended)
}

// sameCommand reports whether two commands search the same things: the arr
// compares id lists as sets.
func sameCommand(a, b domain.Command) bool {
	set := func(ids []int64) []int64 {
		s := slices.Clone(ids)
		slices.Sort(s)
		return slices.Compact(s)
	}
	return a.Name == b.Name && a.SeriesID == b.SeriesID && a.SeasonNumber == b.SeasonNumber &&
		slices.Equal(set(a.EpisodeIDs), set(b.EpisodeIDs)) && slices.Equal(set(a.MovieIDs), set(b.MovieIDs))
}

func isConflict(err error) bool { return errors.Is(err, domain.ErrConflict) }
