#!/usr/bin/env bash
# Regenerates the Public Suffix List the cookie jar checks Domain attributes against:
# src/main/resources/io/posthaste/internal/cookie/public-suffixes.txt, from a
# public_suffix_list.dat (Debian's by default, from its publicsuffix package):
#
#   posthaste-client/scripts/update-public-suffixes.sh [path/to/public_suffix_list.dat]
#
# For a list newer than Debian's, download https://publicsuffix.org/list/public_suffix_list.dat
# and pass its path. Then review the diff (one rule a line, sorted), run CookiesTest and
# PublicSuffixesTest, and commit the resource with the list's version in the message.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out="$(cd "$here/.." && pwd)/src/main/resources/io/posthaste/internal/cookie/public-suffixes.txt"
debian=/usr/share/publicsuffix/public_suffix_list.dat
in=${1:-$debian}

if [ ! -r "$in" ]; then
  echo "no list at $in: apt-get install publicsuffix, or pass a public_suffix_list.dat" >&2
  exit 1
fi
# The header names where the rules came from: Debian's package version carries the list's date;
# another file is named with its modification date (the compiler adds the list's own VERSION
# and COMMIT lines when it has them, as publicsuffix.org's file does).
if [ "$(readlink -f "$in")" = "$(readlink -f "$debian")" ] && command -v dpkg-query >/dev/null; then
  source="Debian publicsuffix $(dpkg-query -W -f '${Version}' publicsuffix)"
else
  source="$(basename "$in") modified $(date -u -r "$in" +%Y-%m-%d)"
fi
java "$here/CompilePublicSuffixes.java" "$in" "$out" "$source"
