#!/bin/sh
# Builds the apt-options cases' packages for one tool ($1) into
# /srv/apt-options-$1: a trusted repository (trusted/) and one apt must
# not authenticate (unauth/), with their source files.
set -e
t=$1
base=/srv/apt-options-$t
rm -rf "$base"
mkdir -p "$base/trusted" "$base/unauth" "$base/build"
deb() { # repo name version [control lines...]
  repo=$1 name=$2 version=$3; shift 3
  d="$base/build/$name-$version"
  mkdir -p "$d/DEBIAN" "$d/usr/share/$name"
  echo "$version" > "$d/usr/share/$name/version"
  {
    echo "Package: $name"; echo "Version: $version-1"; echo "Architecture: all"
    echo "Maintainer: tsplay tests <root@localhost>"
    for line in "$@"; do echo "$line"; done
    echo "Description: stand-in $name for the apt-options case"
  } > "$d/DEBIAN/control"
  if [ "$name" = "pko-$t-svc" ]; then
    # What invoke-rc.d would be told: the policy in place while dpkg runs.
    printf '#!/bin/sh\nif [ -x /usr/sbin/policy-rc.d ]; then /usr/sbin/policy-rc.d pko-svc start; echo "policy $?"; else echo "no policy"; fi > /usr/share/%s/policy\n' "$name" > "$d/DEBIAN/postinst"
    chmod 755 "$d/DEBIAN/postinst"
  fi
  dpkg-deb -Zgzip --build "$d" "$base/$repo/${name}_$version-1_all.deb" >/dev/null
}
deb trusted "pko-$t-held" 1.0
deb trusted "pko-$t-held" 2.0
deb trusted "pko-$t-victim" 1.0
deb trusted "pko-$t-rival" 1.0 "Conflicts: pko-$t-victim"
deb trusted "pko-$t-svc" 1.0
deb trusted "pko-$t-dep" 1.0
deb trusted "pko-$t-top" 1.0 "Depends: pko-$t-dep"
deb trusted "pko-$t-up" 1.0
deb trusted "pko-$t-up" 2.0 "Depends: pko-$t-new"
deb trusted "pko-$t-new" 1.0
# Its section in the repository (an override) is not the one in its control file.
deb trusted "pko-$t-sect" 1.0 "Section: misc"
echo "pko-$t-sect optional admin" > "$base/override"
deb unauth "pko-$t-unauth" 1.0
for repo in trusted unauth; do (cd "$base/$repo" && dpkg-scanpackages -m . "$base/override" 2>/dev/null > Packages); done
rm -rf "$base/build" "$base/override"
echo "deb [trusted=yes] file:$base/trusted ./" > "/etc/apt/sources.list.d/apt-options-$t.list"
echo "deb [allow-insecure=yes] file:$base/unauth ./" >> "/etc/apt/sources.list.d/apt-options-$t.list"
