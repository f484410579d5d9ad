#!/usr/bin/env bash
# Repacks a .deb written by tauri's bundler, whose members are gzip, with xz -9 as Debian packs its own: the
# same files, modes, control file, md5sums and maintainer scripts, in a smaller file (BENCHMARKS.md, "Size").
# dpkg and apt have read xz members since Debian 7. The files' member also goes through xz's x86 filter,
# which dpkg-deb has no option for: it turns the binaries' relative call addresses into absolute ones, which
# repeat, and takes 5 % off the package. Any xz decoder reads it (dpkg and apt decode with liblzma).
#
#   scripts/deb-xz.sh target/release/bundle/deb/ModelOps_0.1.0_amd64.deb   (rewrites it in place)
set -euo pipefail
deb=$1
[ -f "$deb" ] || { echo "deb-xz: no file $deb" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
before=$(stat -c %s "$deb")
dpkg-deb -R "$deb" "$work/root"
# --root-owner-group: the files belong to root whoever builds (tauri's bundler does the same).
dpkg-deb --root-owner-group -Zxz -z9 --build "$work/root" "$work/repacked.deb" >/dev/null
mkdir "$work/members"
(
  cd "$work/members"
  ar x ../repacked.deb
  xz -d data.tar.xz
  # One thread: one xz block, so the whole archive is one window.
  xz -T1 --x86 --lzma2=preset=9e data.tar
  rm ../repacked.deb
  # dpkg wants debian-binary first; D: no timestamps or owners in the ar headers.
  ar rcD ../repacked.deb debian-binary control.tar.xz data.tar.xz
)
# The repacked file must hold what the original held, file for file (mode, size, path; tauri's paths start
# with "./", dpkg-deb's don't).
listing() { dpkg-deb -c "$1" | awk '{ p = $6; sub(/^\.\//, "", p); sub(/\/$/, "", p); if (p != "" && p != ".") print $1, $3, p }' | sort -k3; }
diff <(listing "$deb") <(listing "$work/repacked.deb") >&2 \
  || { echo "deb-xz: the repacked package lists other files than $deb" >&2; exit 1; }
[ "$(dpkg-deb -f "$deb")" = "$(dpkg-deb -f "$work/repacked.deb")" ] \
  || { echo "deb-xz: the repacked package's control file differs" >&2; exit 1; }
mv "$work/repacked.deb" "$deb"
echo "deb-xz: $deb repacked with xz (x86 filter): $before -> $(stat -c %s "$deb") bytes"
