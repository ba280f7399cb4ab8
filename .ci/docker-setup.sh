#!/usr/bin/env bash
# Sourced by .ci/run:  . .ci/docker-setup.sh
# Installs Docker (Debian docker.io 20.10) + docker-compose v1, starts dockerd if needed,
# builds a local node base image from the host's node binary (no registry is reachable), and
# removes afterwards every container, image, volume and network the run created.
# Idempotent; fails loudly. (Adapted from the team's tested recipe; no run-time dependency on it.)
DOCKERD_LOG=${DOCKERD_LOG:-/var/log/dockerd-ci.log}
DOCKERD_ARGS=${DOCKERD_ARGS:-}
NODE_BASE_IMAGE=${NODE_BASE_IMAGE:-local/node-min:20}

docker_install() {
  local pkgs=()
  command -v dockerd >/dev/null        || pkgs+=(docker.io)
  command -v docker-compose >/dev/null || pkgs+=(docker-compose)
  ((${#pkgs[@]})) || return 0
  export DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=a
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${pkgs[@]}"
}

docker_start() {
  if docker info >/dev/null 2>&1; then echo "docker: daemon already answering"; return 0; fi
  command -v dockerd >/dev/null || { echo "FATAL: dockerd not installed" >&2; return 1; }
  local pid=""
  if [ -z "$DOCKERD_ARGS" ] && pgrep -x dockerd >/dev/null; then
    echo "docker: a dockerd is running but not answering yet; waiting"
  else
    # cgroup v1 hierarchy is mounted at boot on this kind; mount it if ever missing
    mountpoint -q /sys/fs/cgroup || { command -v cgroupfs-mount >/dev/null && cgroupfs-mount; } || true
    # stdin/stdout/stderr detached so CI's output pipe is not held open by the daemon
    # shellcheck disable=SC2086
    nohup dockerd $DOCKERD_ARGS </dev/null >>"$DOCKERD_LOG" 2>&1 &
    pid=$!
    echo "docker: started dockerd pid $pid (log $DOCKERD_LOG)"
  fi
  local i
  for i in $(seq 1 120); do            # up to 60 s
    docker info >/dev/null 2>&1 && { echo "docker: up after ~$((i / 2))s"; return 0; }
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      echo "FATAL: dockerd exited during startup; last log lines:" >&2
      tail -n 40 "$DOCKERD_LOG" >&2; return 1
    fi
    sleep 0.5
  done
  echo "FATAL: docker info did not answer within 60s; last log lines:" >&2
  tail -n 40 "$DOCKERD_LOG" >&2; return 1
}

# Minimal image: host node binary + the shared libs ldd lists (+ loader) + /etc/passwd.
docker_build_node_base() {
  local node_bin want have root lib
  node_bin=$(readlink -f "$(command -v node)")
  want=$("$node_bin" -v)
  have=$(docker image inspect -f '{{index .Config.Labels "node.version"}}' "$NODE_BASE_IMAGE" 2>/dev/null || true)
  if [ "$have" = "$want" ]; then echo "docker: $NODE_BASE_IMAGE already has node $want"; return 0; fi
  root=$(mktemp -d) || return 1
  mkdir -p "$root/usr/local/bin" "$root/etc" "$root/tmp" && chmod 1777 "$root/tmp" &&
    cp "$node_bin" "$root/usr/local/bin/node" || return 1
  for lib in $(ldd "$node_bin" | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib" || return 1
  done
  echo 'root:x:0:0:root:/root:/usr/sbin/nologin' >"$root/etc/passwd"
  tar -C "$root" -c . | docker import -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
    -c "LABEL node.version=$want" - "$NODE_BASE_IMAGE" >/dev/null || return 1
  rm -rf "$root"
  docker run --rm "$NODE_BASE_IMAGE" node -e 'process.exit(0)' \
    || { echo "FATAL: $NODE_BASE_IMAGE cannot run node" >&2; return 1; }
  echo "docker: built $NODE_BASE_IMAGE (node $want)"
}

apt_install() {
  export DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=a
  apt-get update -q
  apt-get install -y -q --no-install-recommends "$@"
}

# Everything docker holds, one "kind id" per line, sorted: compared before and after the run.
docker_inventory() {
  {
    docker ps -aq --no-trunc | sed 's/^/container /'
    docker images -aq --no-trunc | sed 's/^/image /'
    docker volume ls -q | sed 's/^/volume /'
    docker network ls -q --no-trunc | sed 's/^/network /'
  } | sort -u
}

docker_remember() {
  DOCKER_BEFORE=$(mktemp)
  docker_inventory >"$DOCKER_BEFORE"
}

docker_setup() {   # call as a plain command under `set -e`
  docker_install || { echo "FATAL: apt install failed" >&2; return 1; }
  docker_start || return 1
  docker_remember
  docker_build_node_base || { echo "FATAL: base image build failed" >&2; return 1; }
  export TESTCONTAINERS_RYUK_DISABLED=true        # ryuk image can't be pulled, so we clean up ourselves
  export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1   # /.dockerenv exists: skip gateway probe (alpine pull)
  export NODE_IMAGE="$NODE_BASE_IMAGE"
}

# Removes what appeared since docker_remember: containers, then volumes and networks, then
# images. Answers 1 if anything is left.
docker_cleanup() {
  [ -n "${DOCKER_BEFORE:-}" ] && docker info >/dev/null 2>&1 || return 0
  local new left kind id
  new=$(comm -13 "$DOCKER_BEFORE" <(docker_inventory))
  # Images in a few passes: a parent goes only once its children are gone.
  for kind in container volume network image image image; do
    for id in $(printf '%s\n' "$new" | awk -v k="$kind" '$1 == k { print $2 }'); do
      case $kind in
        container) docker rm -f -v "$id" ;;
        volume) docker volume rm -f "$id" ;;
        network) docker network rm "$id" ;;
        image) docker image inspect "$id" >/dev/null 2>&1 && docker rmi -f "$id" ;;
      esac >/dev/null 2>&1 || true
    done
  done
  left=$(comm -13 "$DOCKER_BEFORE" <(docker_inventory))
  if [ -n "$left" ]; then
    echo "docker: the run left behind:" >&2
    printf '%s\n' "$left" >&2
    return 1
  fi
  echo "docker: removed $(printf '%s\n' "$new" | grep -c . || true) containers/images/volumes/networks this run created"
}
