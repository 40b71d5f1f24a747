#!/usr/bin/env bash
# Builds the plugin image offline for linux/amd64 and linux/arm64: for each platform the local
# base image (image/build-base-image.sh), then Jib's buildTar onto it; then one OCI image index
# of both, with the OCI annotations (version, revision, source, licenses, title, description) on
# the index and on each manifest, in the OCI layout target/plugin-image, and the image's SBOM
# target/plugin-image.cdx.json (what scripts/publish-image pushes and attaches). Each
# platform is also loaded into podman: NAME-amd64 and NAME-arm64, and NAME is this machine's.
#
# Each platform's image starts from an AOT cache (JDK 25, JEP 483/514/515) trained on a real
# run of that image itself, arm64 under emulation (qemu-user-static, image/setup-podman.sh): a
# first build records and assembles the cache while the plugin verifies an image in a loopback
# registry (Debian's docker-registry, the bundled healthy layout pushed by skopeo), a second
# build adds it. Both builds put identical jars at identical paths with Jib's fixed timestamps,
# which is what the cache is checked against at start-up. A cache is only valid for the exact JVM
# it was trained on, so each platform's is in its own image only. Without docker-registry, skopeo
# or emulation a platform is built without a cache (it works, only starts slower) and says so.
#
# Usage: image/build-image.sh [--platform P1[,P2]] [IMAGE_NAME]
#   IMAGE_NAME   default localhost/registry-integrity:dev (give it a tag)
#   --platform   linux/amd64, linux/arm64 or both (the default)
# JIB_FROM_IMAGE=eclipse-temurin:25-jre@sha256:... trains on that base instead of the offline one
# (a registry must be reachable). Pin the base by digest: the cache is checked against its JVM.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_MIN=25 . scripts/java-home.sh
platforms=linux/amd64,linux/arm64
while [ $# -gt 0 ]; do
  case "$1" in
    --platform) platforms=${2:?--platform needs linux/amd64, linux/arm64 or both}; shift 2 ;;
    -*) echo "build-image: unknown option '$1' (--platform P1[,P2] [IMAGE_NAME])" >&2; exit 2 ;;
    *) break ;;
  esac
done
name=${1:-localhost/registry-integrity:dev}
case "${name##*/}" in
  *:*) ;;
  *) echo "build-image: '$name' has no tag: give NAME:TAG, e.g. localhost/registry-integrity:dev" >&2; exit 2 ;;
esac
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
host_arch=$(case "$(uname -m)" in aarch64) echo arm64 ;; *) echo amd64 ;; esac)

jib() {
  local platform=$1 aot_directory=$2 local_name=$3 from
  if [ -n "${JIB_FROM_IMAGE:-}" ]; then
    from=$JIB_FROM_IMAGE
  else
    from="tar://$PWD/target/base-image/base-${platform#linux/}.tar"
  fi
  mvn -B -q -ntp -DskipTests package jib:buildTar \
    -Djib.from.image="$from" -Djib.from.platforms="$platform" \
    -Djib.outputPaths.tar="target/jib-image-${platform#linux/}.tar" \
    -Dimage.name="$local_name" -Dimage.revision="$revision" -Dimage.aot.directory="$aot_directory"
  podman load --quiet -i "target/jib-image-${platform#linux/}.tar" >/dev/null
}

# A loopback registry for the training runs: CONFIG is its configuration; prints its PID.
serve_registry() {
  local config=$1 url=$2 pid
  docker-registry serve "$config" >"$config.log" 2>&1 &
  pid=$!
  # A taken port ends the registry at once; the push then fails and says so.
  for _ in $(seq 50); do
    curl -ksS -o /dev/null "$url/v2/" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "$pid"
}

# The training run is a plugin step as pipelines run it: the bundled healthy image verified in a
# plain-HTTP registry and, in the same run, in a registry with TLS (a private CA, given as
# ca_cert) and a password (htpasswd, bcrypt), so the cache holds the TLS handshake, the trust
# material and the authentication too, not only the plain-HTTP path. (The TLS image comes first:
# username and password are for the first image's registry.)
train() {
  local platform=$1 local_name=$2
  for tool in docker-registry skopeo openssl htpasswd; do
    command -v "$tool" >/dev/null || {
      echo "image: no $tool to train the start-up cache with (scripts/install-test-prerequisites)" >&2
      return 1
    }
  done
  local work plain tls secret pids=() status=1
  work=$(mktemp -d)
  plain=$((20000 + RANDOM % 15000))
  tls=$((35000 + RANDOM % 15000))
  secret=train-$RANDOM$RANDOM
  mkdir -m 0777 "$work/train"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$work/key.pem" -out "$work/train/ca.pem" 2>/dev/null
  htpasswd -Bbn trainer "$secret" > "$work/htpasswd" 2>/dev/null
  cat >"$work/plain.yml" <<CONFIG
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/plain}}
http: {addr: 127.0.0.1:$plain}
CONFIG
  cat >"$work/tls.yml" <<CONFIG
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/tls}}
http: {addr: 127.0.0.1:$tls, tls: {certificate: $work/train/ca.pem, key: $work/key.pem}}
auth: {htpasswd: {realm: training, path: $work/htpasswd}}
CONFIG
  pids+=("$(serve_registry "$work/plain.yml" "http://127.0.0.1:$plain")")
  pids+=("$(serve_registry "$work/tls.yml" "https://127.0.0.1:$tls")")
  if skopeo copy --quiet --all --dest-tls-verify=false oci:examples/layouts/healthy:latest \
       "docker://127.0.0.1:$plain/train/app:v1" &&
     skopeo copy --quiet --all --dest-tls-verify=false --dest-creds "trainer:$secret" \
       oci:examples/layouts/healthy:latest "docker://127.0.0.1:$tls/train/app:v1" &&
     podman run --rm --platform "$platform" --network host -v "$work/train:/train" \
       -e PLUGIN_IMAGES="127.0.0.1:$tls/train/app:v1,127.0.0.1:$plain/train/app:v1" \
       -e PLUGIN_USERNAME=trainer -e PLUGIN_PASSWORD="$secret" -e PLUGIN_CA_CERT=/train/ca.pem \
       "$local_name" >"$work/train.log" 2>&1 &&
     [ -s "$work/train/registry-integrity.aot" ]; then
    cp "$work/train/registry-integrity.aot" "target/aot-${platform#linux/}/"
    status=0
  else
    echo "image: training the $platform start-up cache failed:" >&2
    grep -v "^127.0.0.1 - -" "$work/train.log" "$work/plain.yml.log" "$work/tls.yml.log" | tail -n 15 >&2 || true
  fi
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  rm -rf "$work"
  return "$status"
}

build() {
  local platform=$1 arch=${1#linux/}
  local local_name=$name-$arch
  [ -n "${JIB_FROM_IMAGE:-}" ] || image/build-base-image.sh "$platform"
  # Pass 1: the same image, but its JVM writes an AOT cache to /train when the run ends.
  rm -rf "target/aot-training-$arch" "target/aot-$arch"
  mkdir -p "target/aot-training-$arch" "target/aot-$arch"
  printf '%s\n' '-XX:AOTCacheOutput=/train/registry-integrity.aot' > "target/aot-training-$arch/jvm.args"
  jib "$platform" "target/aot-training-$arch" "$local_name"
  cp image/aot/jvm.args "target/aot-$arch/"
  local started=$SECONDS cache="without a start-up cache"
  if train "$platform" "$local_name"; then
    cache="with an AOT cache ($(du -h "target/aot-$arch/registry-integrity.aot" | cut -f1), trained in $((SECONDS - started)) s)"
  else
    echo "image: $platform built without a start-up cache (it works, only starts slower)" >&2
  fi
  # Pass 2: the cache (when trained) and the flags that use it.
  jib "$platform" "target/aot-$arch" "$local_name"
  # A base that cannot run (a missing library, a JVM refusing a flag) would fail here, not in
  # someone's pipeline.
  podman run --rm --platform "$platform" "$local_name" version >/dev/null ||
    { echo "image: $local_name ($platform) does not start: see the error above" >&2; exit 1; }
  echo "image: $local_name ($platform) $cache, $(podman image inspect --format '{{.Size}}' "$local_name" | numfmt --to=iec)"
}

for platform in ${platforms//,/ }; do
  case "$platform" in
    linux/amd64|linux/arm64) build "$platform" ;;
    *) echo "build-image: unsupported platform '$platform': give linux/amd64, linux/arm64 or both" >&2; exit 2 ;;
  esac
done
# The image's SBOM: Maven's CycloneDX BOM of the jar's dependencies (cyclonedx:makeBom needs
# Maven online), narrowed to the jars the image holds (Jib's layer filter leaves the AWS SDK out),
# and what each platform's base holds (the runtime, the Debian packages of its C libraries).
sbom() {
  local libs work_sbom jars bases=()
  mvn -B -q -ntp cyclonedx:makeBom
  libs=$(mktemp)
  work_sbom=$(mktemp)
  for layer in $(tar -tf "$1" | grep '^blobs/sha256/'); do
    # Configs and manifests are blobs too, and not tar files: they list nothing.
    { tar -xOf "$1" "$layer" | tar -tzf - 2>/dev/null || true; } |
      sed -n 's#^/\{0,1\}app/libs/\(.*\.jar\)$#\1#p'
  done | jq -R . | jq -s . > "$libs"
  jq --slurpfile libs "$libs" '
    ($libs[0]) as $jars
    | .components |= map(select((.name + "-" + .version + ".jar") as $jar | $jars | index($jar)))
    | ([.metadata.component."bom-ref"] + [.components[]."bom-ref"]) as $kept
    | .dependencies |= map(select(.ref as $r | $kept | index($r))
                           | .dependsOn = ((.dependsOn // []) | map(select(. as $d | $kept | index($d)))))
  ' target/bom.json > "$work_sbom"
  rm -f "$libs"
  jars=$(jq '.components | length' "$work_sbom")
  if [ "$jars" = 0 ]; then
    echo "image: no jar of the SBOM found in the image's /app/libs: the SBOM would describe nothing" >&2
    exit 1
  fi
  for archive in "$@"; do
    archive=${archive##*/jib-image-}
    bases+=("target/base-image/base-${archive%.tar}.tar.components.json")
  done
  [ -n "${JIB_FROM_IMAGE:-}" ] && bases=()
  jq -s '.[0] + {components: (.[0].components + ([.[1:][]] | add // []))}' "$work_sbom" \
    "${bases[@]}" > target/plugin-image.cdx.json
  rm -f "$work_sbom"
  echo "image: SBOM target/plugin-image.cdx.json ($jars of the jar's $(jq '.components | length' target/bom.json) Java components, $(jq '.components | length' target/plugin-image.cdx.json) in all)"
}

archives=()
for platform in ${platforms//,/ }; do
  archives+=("target/jib-image-${platform#linux/}.tar")
  [ "$platform" != "linux/$host_arch" ] || podman tag "$name-$host_arch" "$name"
done
image/oci-index.sh target/plugin-image "${name##*:}" "${archives[@]}"
sbom "${archives[@]}"
