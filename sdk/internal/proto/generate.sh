#!/usr/bin/env bash
# Regenerates the Go code of the plugin protocol. Needs protoc (Debian's
# protobuf-compiler), protoc-gen-go v1.36.12 and protoc-gen-go-grpc on PATH
# or in $(go env GOPATH)/bin. Installs nothing.
set -euo pipefail

dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export PATH="$PATH:$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin:$HOME/go/bin"

cd "$dir"
protoc \
  --proto_path=. \
  --go_out=. --go_opt=paths=source_relative \
  --go-grpc_out=. --go-grpc_opt=paths=source_relative \
  types.proto strategy.proto library.proto
