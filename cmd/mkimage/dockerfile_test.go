package main

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd  string // upper case: FROM, COPY, ...
	args string
}

// parseDockerfile splits a Dockerfile into its stages' instructions.
func parseDockerfile(t *testing.T, path string) [][]instruction {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var stages [][]instruction
	var line strings.Builder
	for _, raw := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimSpace(raw)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if cont, ok := strings.CutSuffix(trimmed, "\\"); ok {
			line.WriteString(cont + " ")
			continue
		}
		line.WriteString(trimmed)
		cmd, args, _ := strings.Cut(line.String(), " ")
		line.Reset()
		in := instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)}
		if in.cmd == "FROM" {
			stages = append(stages, nil)
		}
		if len(stages) == 0 {
			t.Fatalf("%s before the first FROM", in.cmd)
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], in)
	}
	return stages
}

// flags takes the leading --name=value options of an instruction.
func flags(args string) (map[string]string, string) {
	opts := map[string]string{}
	for strings.HasPrefix(args, "--") {
		opt, rest, _ := strings.Cut(args, " ")
		k, v, _ := strings.Cut(strings.TrimPrefix(opt, "--"), "=")
		opts[k] = v
		args = strings.TrimSpace(rest)
	}
	return opts, args
}

func jsonArray(t *testing.T, in instruction) []string {
	t.Helper()
	_, rest := flags(in.args)
	if in.cmd == "HEALTHCHECK" {
		rest = strings.TrimSpace(strings.TrimPrefix(rest, "CMD"))
	}
	var v []string
	if err := json.Unmarshal([]byte(rest), &v); err != nil {
		t.Fatalf("%s %s: want the exec (JSON) form: %v", in.cmd, in.args, err)
	}
	return v
}

// TestDockerfileMatchesImage: the Dockerfile builds a static binary, lays
// out its root with the same code as the image tarball, and configures
// the same user, port, volume, health check, entrypoint and environment.
func TestDockerfileMatchesImage(t *testing.T) {
	stages := parseDockerfile(t, "../../Dockerfile")
	if len(stages) != 2 {
		t.Fatalf("%d stages, want a builder and the image", len(stages))
	}
	build, final := stages[0], stages[1]

	// The builder: Go of go.mod's release, no cgo, the layout from mkimage.
	goMod, _ := os.ReadFile("../../go.mod")
	goLine := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(string(goMod))
	from := build[0].args
	if goLine == nil || !strings.Contains(from, "golang:"+goLine[1]) || !strings.HasSuffix(from, " AS build") {
		t.Errorf("builder FROM %q, want golang:%v ... AS build", from, goLine)
	}
	var runs string
	for _, in := range build {
		if in.cmd == "RUN" {
			runs += in.args + "\n"
		}
	}
	for _, want := range []string{"CGO_ENABLED=0", "go build", "-X main.Version=", "-X main.Commit=", "-X main.Date=", "./cmd/searcharr", "go run ./cmd/mkimage --rootfs /rootfs --binary /out/searcharr"} {
		if !strings.Contains(runs, want) {
			t.Errorf("the builder's RUN lines lack %q", want)
		}
	}

	// The image: nothing but the laid-out root, configured like the tarball.
	want := imageConfig()
	if final[0].args != "scratch" {
		t.Errorf("image FROM %q, want scratch", final[0].args)
	}
	seen := map[string]bool{}
	var env []string
	for _, in := range final[1:] {
		seen[in.cmd] = true
		switch in.cmd {
		case "COPY":
			if in.args != "--from=build /rootfs/ /" {
				t.Errorf("COPY %s: the image takes only the root mkimage laid out (COPY --from=build /rootfs/ /)", in.args)
			}
		case "ENV":
			for _, kv := range strings.Fields(in.args) {
				env = append(env, kv)
			}
		case "USER":
			if in.args != want.User {
				t.Errorf("USER %s, the tarball runs as %s", in.args, want.User)
			}
		case "WORKDIR":
			if in.args != want.WorkingDir {
				t.Errorf("WORKDIR %s, the tarball has %s", in.args, want.WorkingDir)
			}
		case "EXPOSE":
			ports := strings.Fields(in.args)
			if len(ports) != len(want.ExposedPorts) {
				t.Errorf("EXPOSE %s, the tarball exposes %v", in.args, want.ExposedPorts)
			}
			for _, p := range ports {
				if _, ok := want.ExposedPorts[p]; !ok {
					t.Errorf("EXPOSE %s, the tarball exposes %v", p, want.ExposedPorts)
				}
			}
		case "VOLUME":
			vols := jsonArray(t, in)
			if len(vols) != len(want.Volumes) {
				t.Errorf("VOLUME %v, the tarball has %v", vols, want.Volumes)
			}
			for _, v := range vols {
				if _, ok := want.Volumes[v]; !ok {
					t.Errorf("VOLUME %s, the tarball has %v", v, want.Volumes)
				}
			}
		case "HEALTHCHECK":
			opts, _ := flags(in.args)
			if got := append([]string{"CMD"}, jsonArray(t, in)...); !slices.Equal(got, want.Healthcheck.Test) {
				t.Errorf("HEALTHCHECK %q, the tarball has %q", got, want.Healthcheck.Test)
			}
			for name, d := range map[string]time.Duration{"interval": want.Healthcheck.Interval, "timeout": want.Healthcheck.Timeout, "start-period": want.Healthcheck.StartPeriod} {
				if got, err := time.ParseDuration(opts[name]); err != nil || got != d {
					t.Errorf("HEALTHCHECK --%s=%s, the tarball has %s", name, opts[name], d)
				}
			}
			if opts["retries"] != "3" || want.Healthcheck.Retries != 3 {
				t.Errorf("HEALTHCHECK --retries=%s, the tarball has %d", opts["retries"], want.Healthcheck.Retries)
			}
		case "ENTRYPOINT":
			if got := jsonArray(t, in); !slices.Equal(got, want.Entrypoint) {
				t.Errorf("ENTRYPOINT %q, the tarball has %q", got, want.Entrypoint)
			}
		case "CMD":
			if got := jsonArray(t, in); !slices.Equal(got, want.Cmd) {
				t.Errorf("CMD %q, the tarball has %q", got, want.Cmd)
			}
		default:
			t.Errorf("unexpected %s in the image stage", in.cmd)
		}
	}
	for _, cmd := range []string{"COPY", "ENV", "USER", "EXPOSE", "VOLUME", "HEALTHCHECK", "ENTRYPOINT", "CMD"} {
		if !seen[cmd] {
			t.Errorf("the image stage has no %s", cmd)
		}
	}
	slices.Sort(env)
	wantEnv := slices.Clone(want.Env)
	slices.Sort(wantEnv)
	if !slices.Equal(env, wantEnv) {
		t.Errorf("ENV %q, the tarball has %q", env, wantEnv)
	}
}
