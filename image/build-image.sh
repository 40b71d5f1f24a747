#!/usr/bin/env bash
# Builds the plugin image offline and loads it into podman: the local base image
# (image/build-base-image.sh), then Jib's buildTar onto it, then podman load.
#
# The image starts from an AOT cache (JDK 25, JEP 483/514/515) trained on a real run of the
# image itself: a first build records and assembles the cache while the plugin verifies an image
# in a loopback registry (Debian's docker-registry, the bundled healthy layout pushed by skopeo),
# a second build adds it. Both builds put identical jars at identical paths with Jib's fixed
# timestamps, which is what the cache is checked against at start-up. Without docker-registry
# or skopeo the image is built without a cache (it works, only starts slower) and says so.
#
# Usage: image/build-image.sh [IMAGE_NAME]   (default localhost/registry-integrity:dev)
# JIB_FROM_IMAGE=eclipse-temurin:25-jre@sha256:... trains on that base instead of the offline one
# (a registry must be reachable); publish the same build with
#   mvn jib:build -Djib.from.image=$JIB_FROM_IMAGE -Djib.from.platforms=linux/amd64 -Dimage.aot.directory=target/aot -Dimage.name=...
# Pin the base by digest: a cache is only valid for the exact JVM it was trained on.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
name=${1:-localhost/registry-integrity:dev}
if [ -n "${JIB_FROM_IMAGE:-}" ]; then
  from=$JIB_FROM_IMAGE
else
  image/build-base-image.sh
  from="tar://$PWD/target/base-image/base.tar"
fi
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)

jib() {
  local aot_directory=$1
  mvn -B -q -ntp -DskipTests package jib:buildTar \
    -Djib.from.image="$from" -Djib.from.platforms=linux/amd64 \
    -Dimage.name="$name" -Dimage.revision="$revision" -Dimage.aot.directory="$aot_directory"
  podman load --quiet -i target/jib-image.tar >/dev/null
}

train() {
  command -v docker-registry >/dev/null && command -v skopeo >/dev/null || {
    echo "image: no docker-registry or skopeo to train the start-up cache on (scripts/install-test-prerequisites): built without it" >&2
    return 1
  }
  local work port registry status
  work=$(mktemp -d)
  port=$((20000 + RANDOM % 30000))
  cat >"$work/config.yml" <<CONFIG
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port}
CONFIG
  docker-registry serve "$work/config.yml" >"$work/registry.log" 2>&1 &
  registry=$!
  status=1
  # A taken port ends the registry at once; the push below then fails and says so.
  for _ in $(seq 50); do
    curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break
    kill -0 "$registry" 2>/dev/null || break
    sleep 0.1
  done
  mkdir -m 0777 "$work/train"
  if skopeo copy --quiet --all --dest-tls-verify=false oci:examples/layouts/healthy:latest \
       "docker://127.0.0.1:$port/train/app:v1" &&
     podman run --rm --network host -v "$work/train:/train" \
       -e PLUGIN_REPO="127.0.0.1:$port/train/app" -e PLUGIN_TAGS=v1 -e PLUGIN_INSECURE=true \
       "$name" >"$work/train.log" 2>&1 &&
     [ -s "$work/train/registry-integrity.aot" ]; then
    cp "$work/train/registry-integrity.aot" target/aot/
    status=0
  else
    echo "image: training the start-up cache failed; built without it:" >&2
    tail -5 "$work/train.log" "$work/registry.log" >&2 || true
  fi
  kill "$registry" 2>/dev/null || true
  wait "$registry" 2>/dev/null || true
  rm -rf "$work"
  return "$status"
}

# Pass 1: the same image, but its JVM writes an AOT cache to /train when the run ends.
rm -rf target/aot-training target/aot
mkdir -p target/aot-training target/aot
printf '%s\n' '-XX:AOTCacheOutput=/train/registry-integrity.aot' > target/aot-training/jvm.args
jib target/aot-training
cp image/aot/jvm.args target/aot/
if train; then
  # Pass 2: the cache and the flags that use it.
  jib target/aot
  echo "image: $name with an AOT cache ($(du -h target/aot/registry-integrity.aot | cut -f1)), $(podman image inspect --format '{{.Size}}' "$name" | numfmt --to=iec)"
else
  jib target/aot
  echo "image: $name without a start-up cache, $(podman image inspect --format '{{.Size}}' "$name" | numfmt --to=iec)"
fi
