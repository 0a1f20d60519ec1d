#!/usr/bin/env bash
# Start soketi 1.6.1 (an independent Pusher-protocol peer, test-only) bound to loopback only.
#   start.sh [PORT]     (default 6001)
# soketi otherwise binds 0.0.0.0 and broadcasts UDP discovery to 255.255.255.255: every address
# below is pinned to 127.0.0.1, after the environment is read, so nothing passed in can undo that.
#
#   METRICS_PORT / CLUSTER_PORT   its two other listeners (default PORT+3500 / PORT+4901; the test
#                                 helper passes free ports of its own)
#   APP_ID / APP_KEY / APP_SECRET the one app (default app-id / app-key / app-secret)
#   USER_AUTHENTICATION=false     reproduces the silent-signin misconfiguration (default true)
#   WEBHOOK_URL                   the app's /api/pusher/webhook: channel_occupied / channel_vacated
#                                 go there (or pass SOKETI_DEFAULT_APP_WEBHOOKS as JSON yourself)
#   REDIS_PORT                    a cluster node: the Redis adapter on redis-server at 127.0.0.1:PORT
#                                 (REDIS_PREFIX keeps concurrent clusters on one Redis apart)
# Client events are on. Other SOKETI_* variables pass through from the environment.
# Install first (tests/support/peers.ts does): npm ci --prefix tests/peers/soketi
set -euo pipefail
PORT="${1:-${PORT:-6001}}"
cd "$(dirname "$0")"
if [ ! -d node_modules/@soketi/soketi ]; then
  echo "soketi is not installed: npm ci --prefix $(pwd)" >&2
  exit 1
fi

if [ -n "${WEBHOOK_URL:-}" ]; then
  export SOKETI_DEFAULT_APP_WEBHOOKS="[{\"url\":\"${WEBHOOK_URL}\",\"event_types\":[\"channel_occupied\",\"channel_vacated\"]}]"
fi
if [ -n "${REDIS_PORT:-}" ]; then
  export SOKETI_ADAPTER_DRIVER=redis SOKETI_DB_REDIS_PORT="$REDIS_PORT" \
    SOKETI_ADAPTER_REDIS_PREFIX="${REDIS_PREFIX:-soketi}"
fi
export SOKETI_DB_REDIS_HOST=127.0.0.1 \
  SOKETI_HOST=127.0.0.1 SOKETI_PORT="$PORT" \
  SOKETI_METRICS_HOST=127.0.0.1 SOKETI_METRICS_SERVER_PORT="${METRICS_PORT:-$((PORT + 3500))}" \
  SOKETI_CLUSTER_HOST=127.0.0.1 SOKETI_CLUSTER_UNICAST_ADDRESSES=127.0.0.1 SOKETI_CLUSTER_BROADCAST_ADDRESS=127.0.0.1 \
  SOKETI_CLUSTER_PORT="${CLUSTER_PORT:-$((PORT + 4901))}" \
  SOKETI_DEFAULT_APP_ID="${APP_ID:-app-id}" SOKETI_DEFAULT_APP_KEY="${APP_KEY:-app-key}" SOKETI_DEFAULT_APP_SECRET="${APP_SECRET:-app-secret}" \
  SOKETI_DEFAULT_APP_USER_AUTHENTICATION="${USER_AUTHENTICATION:-true}" SOKETI_DEFAULT_APP_ENABLE_CLIENT_MESSAGES=true \
  SOKETI_DEFAULT_APP_MAX_CONNS=-1 \
  SOKETI_DEFAULT_APP_MAX_BACKEND_EVENTS_PER_SEC=-1 SOKETI_DEFAULT_APP_MAX_CLIENT_EVENTS_PER_SEC=-1 \
  SOKETI_DEFAULT_APP_MAX_READ_REQ_PER_SEC=-1
exec node node_modules/@soketi/soketi/bin/server.js start --config=soketi.config.json
