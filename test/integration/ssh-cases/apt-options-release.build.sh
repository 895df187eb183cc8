#!/bin/sh
# Repositories for one tool ($1) of the apt-options-release case: main/
# offers pko-$1-rel 2.0 (and pko-$1-needs, its dependency pko-$1-dep2,
# pko-$1-other, pko-$1-bdep), next/ (suite tsplay-next) offers pko-$1-rel
# 1.5, src/ the source package pko-$1-src.
set -e
t=$1
base=/srv/apt-options-release-$t
rm -rf "$base"
mkdir -p "$base/main" "$base/next"
deb() { # repo name version [Depends]
  d="$base/build"
  mkdir -p "$d/DEBIAN" "$d/usr/share/$2"
  echo "$3" > "$d/usr/share/$2/version"
  { printf 'Package: %s\nVersion: %s-1\nArchitecture: all\nMaintainer: tsplay tests <root@localhost>\n' "$2" "$3"
    [ -z "$4" ] || printf 'Depends: %s\n' "$4"
    printf 'Description: stand-in for the apt-options-release case\n'; } > "$d/DEBIAN/control"
  dpkg-deb -Zgzip --build "$d" "$base/$1/${2}_$3-1_all.deb" >/dev/null
  rm -rf "$d"
}
deb main "pko-$t-rel" 2.0
deb next "pko-$t-rel" 1.5
deb main "pko-$t-needs" 1.0 "pko-$t-dep2"
deb main "pko-$t-dep2" 1.0
deb main "pko-$t-other" 1.0
deb main "pko-$t-bdep" 1.0
# A source package (no files needed by build-dep) that builds with pko-$t-bdep.
mkdir -p "$base/src"
printf 'Package: pko-%s-src\nBinary: pko-%s-src\nVersion: 1.0-1\nMaintainer: tsplay tests <root@localhost>\nBuild-Depends: pko-%s-bdep\nArchitecture: all\nFormat: 3.0 (native)\nDirectory: .\nFiles:\n d41d8cd98f00b204e9800998ecf8427e 0 pko-%s-src_1.0-1.dsc\n' "$t" "$t" "$t" "$t" > "$base/src/Sources"
for repo in main next; do (cd "$base/$repo" && dpkg-scanpackages -m . /dev/null 2>/dev/null > Packages); done
{
  echo "Suite: tsplay-next"
  echo "Codename: tsplay-next"
  echo "Date: $(LC_ALL=C date -Ru)"
  echo "SHA256:"
  echo " $(sha256sum < "$base/next/Packages" | cut -d' ' -f1) $(stat -c %s "$base/next/Packages") Packages"
} > "$base/next/Release"
printf 'deb [trusted=yes] file:%s/main ./\ndeb [trusted=yes] file:%s/next ./\ndeb-src [trusted=yes] file:%s/src ./\n' "$base" "$base" "$base" > "/etc/apt/sources.list.d/apt-options-release-$t.list"
