#!/usr/bin/env bash
# Joins Jib's single-platform OCI archives (jib:buildTar) into one OCI image layout holding an
# image index of them, and gives the index and each image manifest the OCI annotations that
# Jib only writes as labels: version, revision, source, licenses, title, description, read from
# each image's own config (so from pom.xml, the one place they are defined). Layers and configs
# are kept byte for byte; only the manifests gain annotations (and so new digests).
#
# Usage: image/oci-index.sh LAYOUT_DIR TAG JIB_TAR...
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: image/oci-index.sh LAYOUT_DIR TAG JIB_TAR..." >&2; exit 2; }
layout=$1 tag=$2
shift 2
command -v jq >/dev/null || { echo "oci-index: jq is missing (apt-get install -y jq)" >&2; exit 2; }
rm -rf "$layout"
mkdir -p "$layout/blobs/sha256"
printf '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

blob() { cat "$layout/blobs/sha256/${1#sha256:}"; }
# Writes stdin as a blob; prints its descriptor's digest and size.
put() {
  cat > "$work/blob"
  local digest
  digest=$(sha256sum "$work/blob" | cut -d' ' -f1)
  mv "$work/blob" "$layout/blobs/sha256/$digest"
  echo "sha256:$digest $(stat -c %s "$layout/blobs/sha256/$digest")"
}

annotations='{}'
descriptors='[]'
for archive in "$@"; do
  tar -xf "$archive" -C "$layout" blobs
  jib_manifest=$(tar -xOf "$archive" index.json | jq -r '.manifests[0].digest')
  manifest=$(blob "$jib_manifest")
  config=$(blob "$(jq -r .config.digest <<<"$manifest")")
  annotations=$(jq -c '.config.Labels // {} | with_entries(select(.key | test(
    "^org\\.opencontainers\\.image\\.(version|revision|source|licenses|title|description)$")))' <<<"$config")
  rm "$layout/blobs/sha256/${jib_manifest#sha256:}"
  read -r digest size < <(jq -cj --argjson a "$annotations" '. + {annotations: $a}' <<<"$manifest" | put)
  descriptors=$(jq -c --arg d "$digest" --argjson s "$size" --argjson c "$config" \
    '. + [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $d, size: $s,
           platform: {architecture: $c.architecture, os: $c.os}}]' <<<"$descriptors")
done
read -r digest size < <(jq -cnj --argjson m "$descriptors" --argjson a "$annotations" \
  '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: $m, annotations: $a}' | put)
jq -cnj --arg d "$digest" --argjson s "$size" --arg t "$tag" \
  '{schemaVersion: 2, manifests: [{mediaType: "application/vnd.oci.image.index.v1+json",
    digest: $d, size: $s, annotations: {"org.opencontainers.image.ref.name": $t}}]}' > "$layout/index.json"
echo "image index: $layout:$tag $digest ($(jq -r '[.[].platform | .os + "/" + .architecture] | join(", ")' <<<"$descriptors"))"
