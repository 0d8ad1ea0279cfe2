# cqmon as a container: `cqmon serve`, the Prometheus exporter, by default.
#
#   docker build -t cqmon .
#   docker run -p 9752:9752 -e AWS_REGION=us-east-1 -v cqmon-state:/var/lib/cqmon \
#     -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY -e AWS_SESSION_TOKEN cqmon
#
# Any cqmon command runs the same way: `docker run cqmon scan --output json`. In ECS or EKS the
# task or pod role gives the credentials (cqmon iam-policy prints the read-only policy a scan needs).
# See docs/prometheus.md.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY cmd ./cmd
COPY internal ./internal
# A static binary: the runtime image has no C library.
RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/cqmon ./cmd/cqmon \
    && mkdir -p /out/state

# distroless/static: CA certificates and time zones, no shell; the nonroot variant runs as
# uid/gid 65532.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/cqmon /cqmon
# The local history and alert memory (--store local, the default), kept in a volume.
COPY --from=build --chown=65532:65532 /out/state /var/lib/cqmon
ENV XDG_STATE_HOME=/var/lib/cqmon
VOLUME ["/var/lib/cqmon"]
USER 65532:65532
EXPOSE 9752
ENTRYPOINT ["/cqmon"]
# Listen on every interface inside the container; --output json keeps stdout free of alert text
# (add --notify sns:<topic-arn> or webhook:<url> to alert).
CMD ["serve", "--listen", "0.0.0.0:9752", "--output", "json", "--quiet"]
