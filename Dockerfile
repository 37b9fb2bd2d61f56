# rollout-status: a release gate for Kubernetes rollouts.
#
# The binary is built with the Swift standard library linked in (--static-swift-stdlib), so the final
# image needs only glibc, libstdc++ and zlib — no Swift runtime. Builder and final image share one
# Ubuntu release so the glibc the binary was linked against is the one it runs on.
# The binary lives at /rollout-status, as in SocialGouv/rollout-status's image, so
# `COPY --from=<this image> /rollout-status /usr/local/bin/rollout-status` keeps working.

FROM swift:6.3-noble AS build
WORKDIR /src
# Package.swift names every target, the test targets included, so their folders must be present.
COPY Package.swift ./
COPY Core ./Core
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib --product rollout-status \
    && install -m 0755 "$(swift build -c release --static-swift-stdlib --show-bin-path)/rollout-status" /rollout-status \
    && strip /rollout-status \
    && /rollout-status --help > /dev/null

FROM ubuntu:24.04
# Versions are not pinned: security updates of these base libraries should flow in on every build.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libstdc++6 zlib1g \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --uid 65532 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin rollout-status
COPY --from=build /rollout-status /rollout-status
USER 65532:65532
ENTRYPOINT ["/rollout-status"]
