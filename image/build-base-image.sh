#!/usr/bin/env bash
# Assembles an offline Java base image for Jib when no container registry is reachable: a
# jlinked runtime, the C libraries it links against, a non-root user, CA certificates; built
# FROM scratch with podman and saved as a docker-archive tar that Jib reads with
# -Djib.from.image=tar://...
#
#   linux/amd64  the runtime is linked from the JDK under /usr/lib/jvm, the libraries are the host's.
#   linux/arm64  the runtime is linked (by the same host jlink) from Debian trixie's arm64 OpenJDK 25
#                jmods, the libraries are trixie's arm64 ones: apt-get download into
#                target/base-image/debs, with a sources list of our own that leaves the host's apt
#                alone (the archive keyring already trusts trixie). Nothing is executed for arm64
#                here, so no emulation is needed to build it; only to run it.
# Both platforms trust the same CAs: the host JDK's cacerts.
#
# Usage: image/build-base-image.sh [PLATFORM [OUTPUT_TAR]]
#   PLATFORM    linux/amd64 (default) or linux/arm64
#   OUTPUT_TAR  default target/base-image/base-ARCH.tar
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_MIN=25 . scripts/java-home.sh
platform=${1:-linux/amd64}
case "$platform" in
  linux/amd64) arch=amd64 triplet=x86_64-linux-gnu loader=ld-linux-x86-64.so.2 ;;
  linux/arm64) arch=arm64 triplet=aarch64-linux-gnu loader=ld-linux-aarch64.so.1 ;;
  *) echo "build-base-image: unsupported platform '$platform': give linux/amd64 or linux/arm64" >&2; exit 2 ;;
esac
out=${2:-target/base-image/base-$arch.tar}
name=localhost/registry-integrity-base:offline-$arch
command -v podman >/dev/null || { echo "podman is missing: apt-get install -y podman runc (image/setup-podman.sh)" >&2; exit 2; }
command -v jlink >/dev/null || { echo "jlink is missing from $JAVA_HOME: use a full JDK" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root/opt" "$root/etc" "$root/tmp" "$root/lib/$triplet" "$root/etc/ssl/certs"
chmod 1777 "$root/tmp"

# Debian's arm64 JDK and C libraries at their current versions, each .deb checked against the
# SHA256 the signed package lists give, kept in target/base-image/debs (a new version is
# fetched, an unchanged one is not); listed in $work/debs.
debian_arm64() {
  local debs=target/base-image/debs lists=target/base-image/apt-lists
  local mirror
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  mkdir -p "$debs" "$lists/partial"
  echo "deb [arch=amd64,arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" > "$work/sources.list"
  local apt=(-o Dir::Etc::SourceList="$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o Dir::State::Lists="$PWD/$lists" -o APT::Architectures::=amd64 -o APT::Architectures::=arm64
    -o APT::Sandbox::User=root)
  local packages=(openjdk-25-jdk-headless:arm64 libc6:arm64 zlib1g:arm64 libgcc-s1:arm64 libstdc++6:arm64)
  apt-get "${apt[@]}" update -qq ||
    { echo "build-base-image: cannot read Debian trixie's package lists from $mirror (arm64 needs its OpenJDK 25; the keyring is debian-archive-keyring)" >&2; exit 3; }
  apt-get "${apt[@]}" download --print-uris "${packages[@]}" > "$work/uris" ||
    { echo "build-base-image: Debian trixie has no ${packages[*]}" >&2; exit 3; }
  local uri file size sum
  : > "$work/debs"
  while read -r uri file size sum; do
    uri=${uri//\'/}
    echo "$file" >> "$work/debs"
    if [ ! -s "$debs/$file" ]; then
      curl -fsSL -o "$debs/$file.part" "$uri" ||
        { echo "build-base-image: cannot download $uri" >&2; exit 3; }
      mv "$debs/$file.part" "$debs/$file"
    fi
    echo "${sum#SHA256:}  $debs/$file" | sha256sum --quiet -c - ||
      { rm -f "$debs/$file"; echo "build-base-image: $file does not match the SHA256 of Debian's signed lists: removed, run again" >&2; exit 3; }
  done < "$work/uris"
}

if [ "$arch" = amd64 ]; then
  if [ "$(uname -m)" != x86_64 ]; then
    echo "build-base-image: the linux/amd64 base is made of this host's JDK and C libraries: build it on an amd64 host" >&2
    exit 2
  fi
  jmods=$JAVA_HOME/jmods
  libs=/lib/$triplet
  loader_path=/lib64/$loader
  mkdir -p "$root/lib64"
  loader_target=$root/lib64/
  strip_tool=$(command -v strip || true)
  strip_flags=(--strip-debug)
  needed=(libc.so.6 libdl.so.2 libm.so.6 libpthread.so.0 librt.so.1 libz.so.1 libgcc_s.so.1)
else
  if [ "$(java_major "$JAVA_HOME")" != 25 ]; then
    echo "build-base-image: linking Debian's OpenJDK 25 jmods needs jlink 25, and $JAVA_HOME is $(java_major "$JAVA_HOME"): set JAVA_HOME to a JDK 25" >&2
    exit 2
  fi
  debian_arm64
  jmods=$work/debian/usr/lib/jvm/java-25-openjdk-arm64/jmods
  libs=$work/debian/usr/lib/$triplet
  loader_path=$work/debian/usr/lib/$loader
  loader_target=$root/lib/
  # Debian's libjvm.so keeps its symbol table; a strip that reads aarch64 ELF drops 5 MB of it.
  strip_tool=$(command -v aarch64-linux-gnu-strip || command -v llvm-strip || true)
  # The host's jlink links a foreign platform's jmods, but its native stripping (objcopy)
  # cannot read aarch64: jlink strips the Java debug attributes, strip below libjvm.so.
  strip_flags=(--strip-java-debug-attributes)
  # What Debian's java and libjvm.so need (readelf -d), libstdc++ among them: Temurin links it
  # statically, Debian does not.
  needed=(libc.so.6 libm.so.6 libz.so.1 libgcc_s.so.1 libstdc++.so.6)
fi

# The base is rebuilt when what goes into it changed: this script, the JDK (a security update),
# Debian's packages.
inputs=$( { cat "$0"; cat "$JAVA_HOME/release"; cat "$work/debs" 2>/dev/null || true; } | sha256sum | cut -d' ' -f1)
if [ -s "$out" ] && [ "$(cat "$out.inputs" 2>/dev/null)" = "$inputs" ]; then
  echo "base image $platform up to date: $out"
  exit 0
fi
if [ "$arch" = arm64 ]; then
  # Unpacked, never installed.
  mkdir -p "$work/debian"
  while read -r file; do dpkg-deb -x "target/base-image/debs/$file" "$work/debian"; done < "$work/debs"
fi

# Modules the jar needs at run time (`jdeps --print-module-deps` on the shaded jar, less
# java.sql and java.compiler, which only Gson's optional java.sql adapters and Error Prone's
# annotations name; java.sql alone would bring java.xml's 15 MB). The module image is
# compressed: the image's AOT cache holds the classes start-up loads, so they are not read from
# it. No default CDS archive: the AOT cache replaces it. Debian's jmods carry libjvm's separate
# debug information (600 MB), which is left out.
jlink --module-path "$jmods" \
  --add-modules java.base,java.net.http,java.security.jgss,jdk.httpserver,jdk.unsupported \
  "${strip_flags[@]}" --exclude-files='**.debuginfo' \
  --no-header-files --no-man-pages --compress=zip-6 \
  --output "$root/opt/java"
if [ -n "$strip_tool" ]; then
  "$strip_tool" --strip-unneeded "$root/opt/java/lib/server/libjvm.so"
fi
cp "$JAVA_HOME/lib/security/cacerts" "$root/opt/java/lib/security/cacerts"

for lib in "${needed[@]}"; do
  if [ -e "$libs/$lib" ]; then cp -L "$libs/$lib" "$root/lib/$triplet/"; fi
done
cp -L "$loader_path" "$loader_target"
if [ -e /etc/ssl/certs/ca-certificates.crt ]; then cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"; fi
printf 'root:x:0:0:root:/root:/sbin/nologin\nplugin:x:1000:1000:registry-integrity:/tmp:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nplugin:x:1000:\n' > "$root/etc/group"

cat > "$work/Containerfile" <<'CONTAINERFILE'
FROM scratch
COPY rootfs/ /
ENV JAVA_HOME=/opt/java PATH=/opt/java/bin:/usr/bin:/bin LANG=C.UTF-8
USER 1000:1000
CONTAINERFILE

podman build --quiet --platform "$platform" --tag "$name" "$work" >/dev/null
mkdir -p "$(dirname "$out")"
rm -f "$out"
podman save --quiet --format docker-archive -o "$out" "$name"

# What the base holds, for the image's SBOM (CycloneDX components): the runtime as jlinked from
# its JDK, and the Debian packages its C libraries come from, each with a purl scanners match.
deb_component() { # PACKAGE VERSION ARCH DISTRO_VERSION
  jq -cn --arg p "$1" --arg v "$2" --arg a "$3" --arg d "$4" --arg platform "$platform" '{
    type: "library", name: $p, version: $v,
    purl: ("pkg:deb/debian/" + $p + "@" + ($v | @uri) + "?arch=" + $a + "&distro=debian-" + $d),
    "bom-ref": ("pkg:deb/debian/" + $p + "@" + ($v | @uri) + "?arch=" + $a + "&distro=debian-" + $d),
    properties: [{name: "registry-integrity:platform", value: $platform}]}'
}
{
  # amd64's runtime is linked from the host JDK, arm64's from Debian's package (listed below).
  if [ "$arch" = amd64 ]; then
    publisher=$(sed -n 's/^IMPLEMENTOR="\(.*\)"/\1/p' "$JAVA_HOME/release")
    runtime=$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"/\1/p' "$JAVA_HOME/release")
  else
    publisher=Debian
    runtime=$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$root/opt/java/release")
  fi
  jq -cn --arg name "$publisher" --arg version "$runtime" \
    --arg platform "$platform" '{
      type: "framework", name: "java-runtime", publisher: $name, version: $version,
      description: "the Java runtime, jlinked with java.base, java.net.http, java.security.jgss, jdk.httpserver, jdk.unsupported",
      "bom-ref": ("java-runtime@" + $version + "/" + $platform),
      properties: [{name: "registry-integrity:platform", value: $platform}]}'
  if [ "$arch" = amd64 ]; then
    distro=$(. /etc/os-release && echo "$VERSION_ID")
    dpkg-query -W -f='${Package} ${Version} ${Architecture}\n' libc6 zlib1g libgcc-s1 |
      while read -r package version architecture; do
        deb_component "$package" "$version" "$architecture" "$distro"
      done
    if [ "${JAVA_HOME#/usr/lib/jvm/java-}" != "$JAVA_HOME" ]; then
      package=$(dpkg -S "$JAVA_HOME/bin/java" 2>/dev/null | cut -d: -f1 || true)
      [ -z "$package" ] || deb_component "$package" "$(dpkg-query -W -f='${Version}' "$package")" amd64 "$distro"
    fi
  else
    while read -r file; do
      deb_component $(dpkg-deb -f "target/base-image/debs/$file" Package Version Architecture | cut -d' ' -f2) 13
    done < "$work/debs"
  fi
} | jq -s . > "$out.components.json"
echo "$inputs" > "$out.inputs"
echo "base image $platform: $out ($(du -h "$out" | cut -f1))"
