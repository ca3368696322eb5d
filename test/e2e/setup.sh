#!/usr/bin/env bash
# Installs what the e2e suite needs and makes a local stand-in for the official Node image.
# Usage: setup.sh IMAGE_TAG...   (each tag exactly as a generated Dockerfile's FROM line names it)
set -euo pipefail

PACKAGES=(buildah podman crun runc fuse-overlayfs slirp4netns uidmap debootstrap haproxy wrk socat)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# One local base image, built once and kept in container storage; every requested tag points at it.
BASE=localhost/bluegreen-e2e-node-base:latest
if ! buildah inspect --type image "$BASE" >/dev/null 2>&1; then
  echo "setup: building $BASE from debootstrap and the host's node $(node --version)"
  rootfs=$(mktemp -d /var/tmp/bluegreen-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  debootstrap --variant=minbase bookworm "$rootfs" >/dev/null
  node_bin=$(command -v node)
  npm_dir=$(dirname "$(dirname "$node_bin")")/lib/node_modules/npm
  install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
  mkdir -p "$rootfs/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  # The official image has user node with uid/gid 1000.
  chroot "$rootfs" groupadd --gid 1000 node
  chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  ctr=$(buildah from scratch)
  mnt=$(buildah mount "$ctr")
  cp -a "$rootfs"/. "$mnt"/
  buildah umount "$ctr" >/dev/null
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --env NODE_VERSION="$(node --version | tr -d v)" --cmd node "$ctr"
  buildah commit -q --format docker --rm "$ctr" "$BASE" >/dev/null
fi
for tag in "$@"; do
  buildah tag "$BASE" "$tag"
done
echo "setup: ready (base image $BASE tagged as: ${*:-nothing})"
