#!/usr/bin/env bash
# Container healthcheck: healthy when foxglove_bridge's port accepts a TCP connection.
#
# Reads the same variables as entrypoint.sh: FOXGLOVE_PORT (8765) and FOXGLOVE_ADDRESS (0.0.0.0).
# A bridge bound to every address (0.0.0.0 / ::) is probed on loopback. A TCP connect is enough:
# the bridge opens its port only after it has read its parameters and started its server, and
# with TLS the handshake would need the client's trust setup, which a healthcheck does not have.
# NOROS_HEALTHCHECK_TIMEOUT (seconds, default 3) bounds the connect.
set -euo pipefail

port="${FOXGLOVE_PORT:-8765}"
address="${FOXGLOVE_ADDRESS:-0.0.0.0}"
timeout_s="${NOROS_HEALTHCHECK_TIMEOUT:-3}"

if ! [[ "$port" =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
  echo "unhealthy: FOXGLOVE_PORT=$port is not a port number" >&2
  exit 1
fi

case "$address" in
  0.0.0.0 | "") host=127.0.0.1 ;;
  :: | "[::]") host=::1 ;;
  *) host="${address#[}" && host="${host%]}" ;;
esac

# bash opens /dev/tcp/HOST/PORT itself (no netcat in the image); `timeout` bounds a connect to an
# address that drops packets. The inner script is single-quoted on purpose: it gets host and port
# as arguments.
# shellcheck disable=SC2016
if timeout "$timeout_s" bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" 2>/dev/null; then
  echo "healthy: foxglove_bridge accepts connections on $host:$port"
  exit 0
fi
echo "unhealthy: nothing accepts connections on $host:$port (foxglove_bridge not up yet, or it exited)" >&2
exit 1
