package sdk

import (
	"encoding/json"
	"math"

	pb "github.com/vibequality/searcharr/sdk/internal/proto"
)

// Conversions between Info, PlanRequest, Plan and their wire form.

func infoToPB(i Info) *pb.InfoResponse {
	out := &pb.InfoResponse{
		Name:         i.Name,
		Version:      i.Version,
		Description:  i.Description,
		ConfigSchema: i.ConfigSchema,
	}
	for _, t := range i.Triggers {
		out.Triggers = append(out.Triggers, string(t))
	}
	for _, k := range i.InstanceKinds {
		out.InstanceKinds = append(out.InstanceKinds, string(k))
	}
	return out
}

func infoFromPB(i *pb.InfoResponse) Info {
	out := Info{
		Name:        i.Name,
		Version:     i.Version,
		Description: i.Description,
	}
	if len(i.ConfigSchema) > 0 {
		out.ConfigSchema = json.RawMessage(i.ConfigSchema)
	}
	for _, t := range i.Triggers {
		out.Triggers = append(out.Triggers, TriggerKind(t))
	}
	for _, k := range i.InstanceKinds {
		out.InstanceKinds = append(out.InstanceKinds, InstanceKind(k))
	}
	return out
}

func planRequestToPB(r PlanRequest, brokerID uint32) *pb.PlanRequest {
	return &pb.PlanRequest{
		Trigger: &pb.Trigger{
			Kind:   string(r.Trigger.Kind),
			Id:     r.Trigger.ID,
			At:     instantToPB(r.Trigger.At),
			Event:  r.Trigger.Event,
			Items:  keysToPB(r.Trigger.Items),
			DryRun: r.Trigger.DryRun,
		},
		Instance: &pb.Instance{
			Id:   r.Instance.ID,
			Name: r.Instance.Name,
			Kind: string(r.Instance.Kind),
		},
		Config: r.Config,
		Budget: &pb.Budget{
			MaxIntents: int64(r.Budget.MaxIntents),
			MaxCost:    int64(r.Budget.MaxCost),
		},
		Now:             instantToPB(r.Now),
		LibraryBrokerId: brokerID,
	}
}

// planRequestFromPB converts everything but the Library, which the caller
// attaches.
func planRequestFromPB(r *pb.PlanRequest) PlanRequest {
	out := PlanRequest{Now: instantFromPB(r.Now)}
	if len(r.Config) > 0 {
		out.Config = json.RawMessage(r.Config)
	}
	if t := r.Trigger; t != nil {
		out.Trigger = Trigger{
			Kind:   TriggerKind(t.Kind),
			ID:     t.Id,
			At:     instantFromPB(t.At),
			Event:  t.Event,
			Items:  keysFromPB(t.Items),
			DryRun: t.DryRun,
		}
	}
	if in := r.Instance; in != nil {
		out.Instance = Instance{ID: in.Id, Name: in.Name, Kind: InstanceKind(in.Kind)}
	}
	if b := r.Budget; b != nil {
		out.Budget = Budget{MaxIntents: int(b.MaxIntents), MaxCost: int(b.MaxCost)}
	}
	return out
}

func planToPB(p Plan) *pb.PlanResponse {
	out := &pb.PlanResponse{}
	if len(p.Intents) > 0 {
		intents := make([]pb.Intent, len(p.Intents))
		commands := make([]pb.Command, len(p.Intents))
		out.Intents = make([]*pb.Intent, len(p.Intents))
		for i, in := range p.Intents {
			c := in.Command
			commands[i] = pb.Command{
				Name:         string(c.Name),
				EpisodeIds:   c.EpisodeIDs,
				SeriesId:     c.SeriesID,
				SeasonNumber: int32(c.SeasonNumber),
				MovieIds:     c.MovieIDs,
			}
			intents[i] = pb.Intent{
				Command: &commands[i],
				Items:   keysToPB(in.Items),
				Reason:  in.Reason,
				Score:   in.Score,
			}
			out.Intents[i] = &intents[i]
		}
	}
	if len(p.Decisions) > 0 {
		decisions := make([]pb.Decision, len(p.Decisions))
		keys := make([]pb.ItemKey, len(p.Decisions))
		out.Decisions = make([]*pb.Decision, len(p.Decisions))
		for i, d := range p.Decisions {
			keys[i] = pb.ItemKey{Type: string(d.Item.Type), Id: d.Item.ID}
			decisions[i] = pb.Decision{Item: &keys[i], Kept: d.Kept, Reason: d.Reason}
			out.Decisions[i] = &decisions[i]
		}
	}
	return out
}

func planFromPB(p *pb.PlanResponse) Plan {
	var out Plan
	if len(p.Intents) > 0 {
		out.Intents = make([]Intent, len(p.Intents))
		for i, in := range p.Intents {
			out.Intents[i] = Intent{
				Command: commandFromPB(in.Command),
				Items:   keysFromPB(in.Items),
				Reason:  in.Reason,
				Score:   in.Score,
			}
		}
	}
	if len(p.Decisions) > 0 {
		out.Decisions = make([]Decision, len(p.Decisions))
		for i, d := range p.Decisions {
			out.Decisions[i] = Decision{Item: keyFromPB(d.Item), Kept: d.Kept, Reason: d.Reason}
		}
	}
	return out
}

func configErrorsToPB(es ConfigErrors) []*pb.ConfigError {
	out := make([]*pb.ConfigError, len(es))
	for i, e := range es {
		out[i] = &pb.ConfigError{Path: e.Path, Message: e.Message, Line: clampInt32(e.Line), Column: clampInt32(e.Column)}
	}
	return out
}

// clampInt32 keeps a position within what the wire carries.
func clampInt32(n int) int32 {
	return int32(min(max(n, 0), math.MaxInt32))
}

func configErrorsFromPB(es []*pb.ConfigError) ConfigErrors {
	out := make(ConfigErrors, len(es))
	for i, e := range es {
		out[i] = ConfigError{Path: e.Path, Message: e.Message, Line: max(int(e.Line), 0), Column: max(int(e.Column), 0)}
	}
	return out
}
