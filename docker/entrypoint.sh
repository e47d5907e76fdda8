#!/usr/bin/env bash
# noros container entrypoint: ROS environment, custom messages, roscore and foxglove_bridge.
#
# With no arguments it runs the bridge:
#   1. checks the settings (FOXGLOVE_*, ROS_MASTER_URI, ROS_IP, ROS_HOSTNAME) before starting
#      anything, so a mistake stops the container with a message instead of a half-working bridge;
#   2. builds the message packages mounted at NOROS_MSGS_DIR (default /msgs) into a catkin
#      workspace and sources it, so the bridge advertises their full schemas;
#   3. starts roscore when ROS_MASTER_URI names this container and no master answers there
#      (NOROS_ROSCORE=auto|yes|no), then waits up to NOROS_MASTER_TIMEOUT seconds for the master;
#   4. starts foxglove_bridge with `roslaunch noros_bridge.launch name:=value...`;
#   5. stays until SIGTERM/SIGINT (docker stop) or until roscore or the bridge exits, and then
#      stops the other one: each runs in its own session and gets SIGINT like a Ctrl-C, and what
#      is left of it gets SIGKILL after NOROS_STOP_TIMEOUT seconds (default 15).
# With arguments it sets up the same environment and runs them instead
# (`docker compose run bridge rostopic list`).
#
# It looks up `roscore`, `roslaunch` and `python3` on PATH and sources
# /opt/ros/$ROS_DISTRO/setup.bash only when that file exists, so it also runs against Debian's
# ROS packages (the tests do that, with a stand-in `roslaunch`).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
launch_file="${NOROS_BRIDGE_LAUNCH:-$here/noros_bridge.launch}"
msgs_dir="${NOROS_MSGS_DIR:-/msgs}"
msgs_ws="${NOROS_MSGS_WS:-${HOME:-/tmp}/.cache/noros/msgs_ws}"
image_ws="${NOROS_IMAGE_WS:-/opt/noros/image_msgs_ws}"
stop_timeout="${NOROS_STOP_TIMEOUT:-15}"
export ROS_MASTER_URI="${ROS_MASTER_URI:-http://localhost:11311}"
# Compose passes unset settings as empty strings; to ROS an empty ROS_IP or ROS_HOSTNAME is not
# the same as an unset one.
for variable in ROS_IP ROS_HOSTNAME; do
  [[ -n "${!variable:-}" ]] || unset "$variable"
done

roscore_pid=""
bridge_pid=""
step_pid=""
stopping=""

log() { printf '[noros] %s\n' "$*" >&2; }

die() {
  log "error: $1"
  exit "${2:-2}"
}

if ! [[ "$stop_timeout" =~ ^[0-9]+$ ]] || ((stop_timeout < 1)); then
  die "NOROS_STOP_TIMEOUT must be a whole number of seconds (at least 1), got '$stop_timeout'"
fi

# ROS setup scripts read unset variables, so -u is off while they run.
source_setup() {
  set +u
  # shellcheck disable=SC1090  # the path is only known at run time
  source "$1"
  set -u
}

# Runs a start-up step (master wait, catkin build) in the background, in a session of its own,
# and waits for it: bash defers traps until a foreground command ends, so this way SIGTERM is
# handled at once, and stop_all can stop the step with everything it started (make, compilers).
run_interruptibly() {
  setsid "$@" &
  step_pid=$!
  local status=0
  wait "$step_pid" || status=$?
  step_pid=""
  return "$status"
}

# This process and all its descendants, from /proc. Taken before stopping: roslaunch runs each
# node (rosmaster, rosout, the bridge) in a session of its own, and once roslaunch is gone they
# can no longer be found through it.
process_tree() {
  local -A children=()
  local stat line rest ppid pid
  for stat in /proc/[0-9]*/stat; do
    { read -r line <"$stat"; } 2>/dev/null || continue
    rest="${line##*) }"
    read -r _ ppid _ <<<"$rest"
    pid="${stat#/proc/}"
    children[$ppid]+="${pid%/stat} "
  done
  local -a queue=("$1") tree=()
  while ((${#queue[@]} > 0)); do
    pid="${queue[0]}"
    queue=("${queue[@]:1}")
    tree+=("$pid")
    # shellcheck disable=SC2206  # the list holds only pids separated by spaces
    queue+=(${children[$pid]:-})
  done
  echo "${tree[@]}"
}

# True while any of the pids runs (a zombie has finished: it only waits to be reaped).
running() {
  local pid line rest
  for pid in "$@"; do
    { read -r line <"/proc/$pid/stat"; } 2>/dev/null || continue
    rest="${line##*) }"
    [[ "${rest%% *}" == Z ]] || return 0
  done
  return 1
}

# Stops a process started with setsid, and everything it started: SIGINT to its process group
# (what roscore and roslaunch expect, like a Ctrl-C; they then stop their nodes), and SIGKILL for
# whatever of the tree is left after stop_timeout seconds.
stop_tree() {
  local name=$1 pid=$2
  [[ -n "$pid" ]] || return 0
  local -a tree
  read -r -a tree <<<"$(process_tree "$pid")"
  if running "${tree[@]}"; then
    log "stopping $name (pid $pid)"
    kill -INT -- "-$pid" 2>/dev/null || kill -INT "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + stop_timeout))
    while running "${tree[@]}"; do
      if ((SECONDS >= deadline)); then
        log "$name (pid $pid) still running after ${stop_timeout}s; killing pids ${tree[*]}"
        kill -KILL "${tree[@]}" 2>/dev/null || true
        break
      fi
      sleep 0.1
    done
  fi
  wait "$pid" 2>/dev/null || true
}

stop_all() {
  [[ -z "$stopping" ]] || return 0
  stopping=1
  stop_tree "start-up step" "$step_pid"
  # The bridge first: it is a client of the master.
  stop_tree "foxglove_bridge" "$bridge_pid"
  stop_tree "roscore" "$roscore_pid"
}

# shellcheck disable=SC2317  # called by the traps below
on_signal() {
  log "received SIG$1; shutting down"
  stop_all
  exit 0
}

trap stop_all EXIT
trap 'on_signal TERM' TERM
trap 'on_signal INT' INT

# --- 1. environment --------------------------------------------------------------------------

if [[ -n "${ROS_DISTRO:-}" && -f "/opt/ros/${ROS_DISTRO}/setup.bash" ]]; then
  source_setup "/opt/ros/${ROS_DISTRO}/setup.bash"
fi
if [[ -f "$image_ws/devel/setup.bash" ]]; then
  log "using the message packages built into the image ($image_ws)"
  source_setup "$image_ws/devel/setup.bash"
fi

if (($# == 0)); then
  settings_file="$(mktemp)"
  if ! python3 "$here/bridge_settings.py" roslaunch-args >"$settings_file"; then
    rm -f "$settings_file"
    die "fix the FOXGLOVE_* setting above; nothing was started"
  fi
  mapfile -d '' -t launch_args <"$settings_file"
  rm -f "$settings_file"
  if ! plan="$(python3 "$here/ros_network.py" master-plan)"; then
    die "fix the ROS network setting above; nothing was started"
  fi
  read -r master_role master_port <<<"$plan"
fi

# --- 2. custom message packages --------------------------------------------------------------

if [[ -d "$msgs_dir" ]] && [[ -n "$(ls -A "$msgs_dir")" ]]; then
  log "building the message packages in $msgs_dir"
  if ! run_interruptibly python3 "$here/msgs_workspace.py" build "$msgs_dir" "$msgs_ws"; then
    die "could not build the message packages in $msgs_dir (see above)" 1
  fi
  if [[ -f "$msgs_ws/devel/setup.bash" ]]; then
    source_setup "$msgs_ws/devel/setup.bash"
  fi
fi

if (($# > 0)); then
  trap - EXIT TERM INT
  exec "$@"
fi

# --- 3. ROS master ---------------------------------------------------------------------------

if [[ "$master_role" == local ]]; then
  if python3 "$here/ros_network.py" master-online; then
    log "a ROS master already answers at $ROS_MASTER_URI; using it"
  else
    log "starting roscore on port $master_port"
    setsid roscore -p "$master_port" &
    roscore_pid=$!
  fi
else
  log "using the ROS master at $ROS_MASTER_URI (not starting roscore)"
fi

if ! run_interruptibly python3 "$here/ros_network.py" wait-master ${roscore_pid:+"$roscore_pid"}; then
  die "the ROS master at $ROS_MASTER_URI is not reachable; not starting the bridge" 1
fi
log "ROS master at $ROS_MASTER_URI is up"

# --- 4. foxglove_bridge ----------------------------------------------------------------------

log "starting foxglove_bridge: roslaunch --wait $launch_file"
for arg in "${launch_args[@]}"; do
  log "  $arg"
done
setsid roslaunch --wait "$launch_file" "${launch_args[@]}" &
bridge_pid=$!

# --- 5. run until a signal, or until one of the two exits -------------------------------------

status=0
wait -n || status=$?
if running "$bridge_pid"; then
  log "error: roscore exited (status $status); stopping foxglove_bridge"
else
  log "error: foxglove_bridge (roslaunch) exited (status $status)"
fi
stop_all
exit 1
