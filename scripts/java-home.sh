# Sourced by the scripts: picks a JDK that can build --release 21. The machine's default java
# may be 17; Temurin's JDK under /usr/lib/jvm is preferred, an explicit JAVA_HOME wins.
# JAVA_MIN=25 asks for JDK 25 or newer (the image scripts: AOT caches and Debian's 25 jmods).
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
java_min=${JAVA_MIN:-21}
if [ -z "${JAVA_HOME:-}" ] || [ "$(java_major "$JAVA_HOME" 2>/dev/null || echo 0)" -lt "$java_min" ] 2>/dev/null; then
  JAVA_HOME=""
  for candidate in /usr/lib/jvm/temurin-*-jdk-* /usr/lib/jvm/java-2[1-9]-* /usr/lib/jvm/java-[3-9][0-9]-*; do
    [ -x "$candidate/bin/javac" ] || continue
    if [ "$(java_major "$candidate")" -ge "$java_min" ] 2>/dev/null; then JAVA_HOME=$candidate; break; fi
  done
  if [ -z "$JAVA_HOME" ]; then
    echo "no JDK $java_min or newer found: install one (e.g. apt-get install -y openjdk-25-jdk-headless, or Temurin) or set JAVA_HOME" >&2
    exit 2
  fi
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
