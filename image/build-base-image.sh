#!/usr/bin/env bash
# Assembles an offline Java base image for Jib when no container registry is reachable: a
# jlinked runtime from the JDK under /usr/lib/jvm, the C libraries it links against, a non-root
# user, CA certificates; built FROM scratch with podman and saved as a docker-archive tar that
# Jib reads with -Djib.from.image=tar://... The published image uses a maintained public JRE
# base instead (see pom.xml, jib.from.image).
#
# Usage: image/build-base-image.sh [OUTPUT_TAR]   (default target/base-image/base.tar)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
out=${1:-target/base-image/base.tar}
name=localhost/registry-integrity-base:offline
command -v podman >/dev/null || { echo "podman is missing: apt-get install -y podman runc (image/setup-podman.sh)" >&2; exit 2; }
command -v jlink >/dev/null || { echo "jlink is missing from $JAVA_HOME: use a full JDK" >&2; exit 2; }
if [ -s "$out" ] && [ "$out" -nt "$0" ]; then
  echo "base image up to date: $out"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root/opt" "$root/etc" "$root/tmp" "$root/lib/x86_64-linux-gnu" "$root/lib64" "$root/etc/ssl/certs"
chmod 1777 "$root/tmp"

# Modules the jar needs at run time (`jdeps --print-module-deps` on the shaded jar, less
# java.sql and java.compiler, which only Gson's optional java.sql adapters and Error Prone's
# annotations name; java.sql alone would bring java.xml's 15 MB). The module image is
# compressed: the image's AOT cache holds the classes start-up loads, so they are not read from
# it. No default CDS archive: the AOT cache replaces it. libjvm.so loses its symbol table.
jlink --add-modules java.base,java.net.http,java.security.jgss,jdk.httpserver,jdk.unsupported \
  --strip-debug --no-header-files --no-man-pages --compress=zip-6 \
  --output "$root/opt/java"
if command -v strip >/dev/null; then
  strip --strip-unneeded "$root/opt/java/lib/server/libjvm.so"
fi

for lib in libc.so.6 libdl.so.2 libm.so.6 libpthread.so.0 librt.so.1 libz.so.1 libgcc_s.so.1; do
  if [ -e "/lib/x86_64-linux-gnu/$lib" ]; then cp -L "/lib/x86_64-linux-gnu/$lib" "$root/lib/x86_64-linux-gnu/"; fi
done
cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
if [ -e /etc/ssl/certs/ca-certificates.crt ]; then cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"; fi
printf 'root:x:0:0:root:/root:/sbin/nologin\nplugin:x:1000:1000:registry-integrity:/tmp:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nplugin:x:1000:\n' > "$root/etc/group"

cat > "$work/Containerfile" <<'CONTAINERFILE'
FROM scratch
COPY rootfs/ /
ENV JAVA_HOME=/opt/java PATH=/opt/java/bin:/usr/bin:/bin LANG=C.UTF-8
USER 1000:1000
CONTAINERFILE

podman build --quiet --tag "$name" "$work" >/dev/null
mkdir -p "$(dirname "$out")"
rm -f "$out"
podman save --quiet --format docker-archive -o "$out" "$name"
echo "base image: $out ($(du -h "$out" | cut -f1))"
