#!/usr/bin/env bash
# Rehearses a release without touching any registry, and uses it as a stranger would:
#  1. a throwaway GPG key in a temporary GNUPGHOME (no passphrase, batch mode);
#  2. the release profile (sources, Javadoc with doclint, signatures) deployed into a local
#     staging folder instead of Maven Central, on JDK 25 (the Javadoc's {@snippet} needs 18+;
#     the classes are still compiled for Java 17);
#  3. checks that the staging folder holds exactly the published artifacts, each signed (.asc,
#     verified) with its sources and Javadoc jars, and nothing of the unpublished modules;
#  4. builds .ci/consumer, which imports posthaste-bom from that folder, and runs the README's five
#     examples on the class path and on the module path, on JDK 17 and on JDK 25.
# Usage: .ci/release-check.sh [--offline]
#   The first run fetches the release plugins (gpg, source, javadoc, central) from Maven Central;
#   after that nothing is downloaded. --offline proves it: every repository but the staging folder
#   is then mirrored to an address that refuses connections. (Maven's own -o cannot be used: the
#   deploy plugin refuses to run offline, even into a folder.)
# Env: JDK17_HOME (default: the java on PATH), JDK25_HOME (default /usr/lib/jvm/temurin-25-jdk-amd64).
set -euo pipefail
cd "$(dirname "$0")/.."

JDK25=${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA17=${JDK17_HOME:+$JDK17_HOME/bin/}java
[ -x "$JDK25/bin/java" ] || { echo "release-check: no JDK 25 at $JDK25 (set JDK25_HOME)" >&2; exit 1; }
if ! command -v gpg >/dev/null; then
  echo "release-check: installing gnupg (signing needs gpg)" >&2
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnupg >/dev/null
  else
    echo "release-check: gpg is missing; install gnupg" >&2; exit 1
  fi
fi

# Everything lives under one short temporary path (gpg-agent's socket path must stay short).
work=$(mktemp -d /tmp/phrc.XXXXXX)
export GNUPGHOME="$work/gnupg"
cleanup() {
  gpgconf --kill gpg-agent >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -m 700 "$GNUPGHOME"
offline=()
if [ "${1:-}" = "--offline" ]; then
  cat >"$work/offline-settings.xml" <<'XML'
<settings>
  <mirrors>
    <mirror>
      <!-- Named central: ~/.m2 records each file as fetched from "central". -->
      <id>central</id>
      <mirrorOf>*,!posthaste-staging</mirrorOf>
      <url>http://127.0.0.1:9/</url>
    </mirror>
  </mirrors>
</settings>
XML
  offline=(-s "$work/offline-settings.xml")
fi
staging="$work/staging"
version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
published=(posthaste-client posthaste-testing posthaste-cassette posthaste-micrometer posthaste-opentelemetry)
published_poms=(posthaste-parent posthaste-bom)

step() { printf '\n== release-check (%ss): %s ==\n' "$SECONDS" "$*"; }
fail() { echo "release-check: FAILED: $*" >&2; exit 1; }

step "throwaway signing key"
gpg --batch --quiet --passphrase '' --quick-generate-key \
  'Posthaste release check <release-check@posthaste.invalid>' ed25519 sign 1d 2>/dev/null
gpg --list-secret-keys --with-colons 2>/dev/null | awk -F: '/^fpr/ { print "key " $10; exit }'

step "release profile ($version) into $staging, on JDK 25"
# Javadoc of an earlier run (another package set) would linger in the jar: start it afresh.
rm -rf posthaste-*/target/reports/apidocs
# The unpublished examples and CLI are in the reactor to prove they are skipped; bench, interop
# and reliability skip the same way (posthaste.unpublished) and only cost time here.
# (Maven's own Guice would print JDK 25's sun.misc.Unsafe warning; it is not ours to fix.)
JAVA_HOME="$JDK25" MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
  ./mvnw -B -ntp -q "${offline[@]}" -Prelease deploy -Dmaven.test.skip=true \
  -pl posthaste-bom,posthaste-client,posthaste-testing,posthaste-cassette,posthaste-micrometer,posthaste-opentelemetry,posthaste-examples,posthaste-cli -am \
  -DaltDeploymentRepository="staging::file://$staging"

step "the central profile loads (its plugin resolves and accepts the configuration; no upload)"
./mvnw -B -ntp -q "${offline[@]}" -Prelease,central validate -pl posthaste-bom,posthaste-client,posthaste-testing,posthaste-cassette,posthaste-micrometer,posthaste-opentelemetry -am

step "every published artifact signed, with sources and Javadoc"
dir_of() { echo "$staging/io/posthaste/$1/$version"; }
# The newest deployed file of an artifact with the given suffix (snapshots are timestamped).
newest() { ls -1t "$(dir_of "$1")"/"$1"-*"$2" 2>/dev/null | grep -v -- '-sources\|-javadoc' | head -1 || true; }
newest_with() { ls -1t "$(dir_of "$1")"/"$1"-*"$2" 2>/dev/null | head -1 || true; }
verify_signed() {
  local file=$1
  [ -f "$file" ] || fail "missing $file"
  [ -f "$file.asc" ] || fail "no signature for $(basename "$file")"
  gpg --batch --quiet --verify "$file.asc" "$file" 2>/dev/null || fail "bad signature on $(basename "$file")"
  echo "  signed: ${file#"$staging"/}"
}
for a in "${published_poms[@]}"; do
  verify_signed "$(newest "$a" .pom)"
done
for a in "${published[@]}"; do
  verify_signed "$(newest "$a" .pom)"
  verify_signed "$(newest "$a" .jar)"
  src=$(newest_with "$a" -sources.jar); doc=$(newest_with "$a" -javadoc.jar)
  verify_signed "$src"
  verify_signed "$doc"
  # (a listing in a variable: grep -q would close the pipe early, which pipefail counts as a failure)
  listing=$(unzip -Z1 "$src"); grep -q '\.java$' <<<"$listing" || fail "$(basename "$src") holds no Java source"
  listing=$(unzip -Z1 "$doc"); grep -q 'index\.html$' <<<"$listing" || fail "$(basename "$doc") holds no Javadoc"
done
# What Maven Central requires of each pom, inherited or not.
for a in posthaste-parent posthaste-bom; do
  pom=$(newest "$a" .pom)
  for tag in '<name>' '<description>' '<url>' '<license>' '<scm[ >]' '<developer>'; do
    grep -q "$tag" "$pom" || fail "$a's pom has no $tag"
  done
done
staged=$(ls "$staging/io/posthaste" | sort | tr '\n' ' ')
expected=$(printf '%s\n' "${published_poms[@]}" "${published[@]}" | sort | tr '\n' ' ')
[ "$staged" = "$expected" ] || fail "staged artifacts are [$staged], expected [$expected]"
echo "  staged exactly: $staged"

step "consumer project: the BOM from the staging folder"
# A local repository of its own, so that the io.posthaste artifacts can only come from the
# staging folder. Everything else is read from ~/.m2 through a read-only tail (no download): a
# view of ~/.m2 that leaves out io/posthaste, where `./mvnw install` puts the same version.
consumer_repo="$work/consumer-m2"
m2="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"
tail_repo="$work/m2-tail"
mkdir -p "$tail_repo/io"
for entry in "$m2"/*; do
  [ "$(basename "$entry")" = io ] || ln -s "$entry" "$tail_repo/"
done
for entry in "$m2"/io/*; do
  [ "$(basename "$entry")" = posthaste ] || ln -s "$entry" "$tail_repo/io/"
done
./mvnw -B -ntp -q "${offline[@]}" -f .ci/consumer/pom.xml package \
  -Dmaven.repo.local="$consumer_repo" -Dmaven.repo.local.tail="$tail_repo" \
  -Dposthaste.version="$version" -Dstaging.url="file://$staging"
target=.ci/consumer/target
deps=$(cat "$target/runtime-path.txt")
# The consumer uses the client and the test kit (the integrations are checked as staged above).
for a in posthaste-client posthaste-testing; do
  jar=$(tr ':' '\n' <<<"$deps" | grep "/$a-" || true)
  case "$jar" in
    "$consumer_repo"/io/posthaste/*) echo "  $a from the staging folder: $(basename "$jar")" ;;
    *) fail "$a did not come from the staging folder: ${jar:-not on the path}" ;;
  esac
done

# The module path needs the optional natives named: nothing requires them, so the JVM resolves
# them only when asked (the README's "JDK 22+ native access" section gives the same flags).
natives=io.netty.transport.epoll.linux.x86_64,com.aayushatharva.brotli4j,com.github.luben.zstd_jni
main=io.posthaste.consumer.ReadmeExamples
run() {
  local label=$1; shift
  local out
  if ! out=$("$@" 2>&1); then
    printf '%s\n' "$out"
    fail "$label"
  fi
  if grep -q '^WARNING' <<<"$out"; then
    printf '%s\n' "$out"
    fail "$label printed a JVM warning"
  fi
  # linux-x86_64: the native transport and both native codings must be on, on either path.
  if ! grep -qx 'native transport: true, codings: \[gzip, deflate, br, zstd\]' <<<"$out"; then
    printf '%s\n' "$out"
    fail "$label ran without the native transport or the br/zstd codings"
  fi
  grep '^native transport:\|^consumer check:' <<<"$out" | sed "s/^/  [$label] /"
}
for jdk in 17 25; do
  if [ "$jdk" = 17 ]; then java=$JAVA17; else java="$JDK25/bin/java"; fi
  access_cp=(); access_mp=()
  if [ "$jdk" = 25 ]; then
    access_cp=(--enable-native-access=ALL-UNNAMED)
    access_mp=(--enable-native-access=io.netty.common,com.aayushatharva.brotli4j,com.github.luben.zstd_jni)
  fi
  step "README examples on JDK $jdk"
  run "JDK $jdk class path" "$java" "${access_cp[@]}" -cp "$target/classes:$deps" "$main"
  run "JDK $jdk module path" "$java" "${access_mp[@]}" -p "$target/classes:$deps" \
    --add-modules "$natives" -m "io.posthaste.consumer/$main"
done

echo
echo "release-check: passed in ${SECONDS}s"
