#!/usr/bin/env bash
# Builds the plugin image offline and loads it into podman: the local base image
# (image/build-base-image.sh), then Jib's buildTar onto it, then podman load.
# Usage: image/build-image.sh [IMAGE_NAME]   (default localhost/registry-integrity:dev)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
name=${1:-localhost/registry-integrity:dev}
image/build-base-image.sh
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
mvn -B -q -ntp -DskipTests package jib:buildTar \
  -Djib.from.image="tar://$PWD/target/base-image/base.tar" -Djib.from.platforms=linux/amd64 \
  -Dimage.name="$name" -Dimage.revision="$revision"
podman load --quiet -i target/jib-image.tar >/dev/null
echo "image: $name ($(podman image inspect --format '{{.Size}}' "$name" | numfmt --to=iec))"
