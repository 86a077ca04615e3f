#!/usr/bin/env bash
# Installs ptxas (CUDA 11.8, from Debian's non-free nvidia-cuda-toolkit) into .tools/cuda, alone.
# The mirror is read from this machine's own apt sources, so no file of ours names a registry host.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.tools/cuda"
if [ -x "$dest/usr/bin/ptxas" ]; then echo "$dest/usr/bin/ptxas"; exit 0; fi
uri="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
if [ -z "$uri" ]; then uri="$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)"; fi
[ -n "$uri" ] || { echo "install-ptxas: no Debian mirror found in the apt sources" >&2; exit 1; }
list=/etc/apt/sources.list.d/engine-nonfree.sources
if [ ! -f "$list" ]; then
  printf 'Types: deb\nURIs: %s\nSuites: bookworm\nComponents: contrib non-free\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uri" > "$list"
fi
apt-get update -qq >/dev/null 2>&1 || apt-get update -qq
work="$(mktemp -d)"
(cd "$work" && apt-get download -qq nvidia-cuda-toolkit >/dev/null)
mkdir -p "$dest"
dpkg -x "$work"/nvidia-cuda-toolkit_*.deb "$work/x"
install -D -m 0755 "$work/x/usr/bin/ptxas" "$dest/usr/bin/ptxas"
rm -rf "$work"
"$dest/usr/bin/ptxas" --version >&2
echo "$dest/usr/bin/ptxas"
