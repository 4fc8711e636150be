# Searcharr's container image: one static binary, the CA certificates,
# /config (a volume owned by the non-root user) and /tmp, nothing else.
# The layout comes from cmd/mkimage, the same code that assembles the image
# tarball without a container engine ("make image"), so both are alike.
#
#   docker build -t searcharr .
#   docker run -d -p 7337:7337 -v searcharr-config:/config -e TZ=Europe/Paris searcharr

FROM --platform=$BUILDPLATFORM golang:1.26-bookworm AS build
ARG TARGETOS=linux
ARG TARGETARCH=amd64
ARG TARGETVARIANT=
ARG VERSION=dev
ARG COMMIT=unknown
ARG DATE=unknown
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH GOARM=${TARGETVARIANT#v} \
      go build -trimpath -ldflags "-s -w -X main.Version=$VERSION -X main.Commit=$COMMIT -X main.Date=$DATE" \
      -o /out/searcharr ./cmd/searcharr \
 && go run ./cmd/mkimage --rootfs /rootfs --binary /out/searcharr --ca-file /etc/ssl/certs/ca-certificates.crt

FROM scratch
COPY --from=build /rootfs/ /
ENV PATH=/ \
    SEARCHARR_DATA_DIR=/config \
    SEARCHARR_LISTEN=:7337 \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
USER 65532:65532
WORKDIR /
EXPOSE 7337/tcp
VOLUME ["/config"]
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["/searcharr", "healthcheck"]
ENTRYPOINT ["/searcharr"]
CMD ["serve"]
