#!/usr/bin/env bash
# The RESP (Redis protocol) servers under redis-benchmark, alternated in one run: Weft's `./demo resp`,
# the Loom anchor (../shared/anchors/LoomResp.java: a virtual thread per connection, blocking sockets)
# and redis-server. Prints requests per second (the median of the rounds) and Weft's ratios.
#
#   bench/resp.sh            3 rounds of every load (about 7 minutes on 2 cores, 10 with BASE)
#   bench/resp.sh --quick    1 round, a third of the requests
#
# The loads: `redis-benchmark -c 50 -n 300000 -P 16 -t set,get -q` (issue 7's figure), the same
# without pipelining (-n 100000), and 1000 clients without pipelining (-n 100000). Within a round the
# servers take turns load by load, the first server changing from round to round, so that a slow
# spell of the (shared, noisy) machine does not fall on one server only.
#
# Each test (SET, GET) is a run of its own, and each run also records the CPU time per request of the
# server (every process of its session, from /proc) and of redis-benchmark (bash's `time`): on a
# shared machine those move much less than the throughput does.
#
# Settings (environment): ROUNDS (3), HUBS (./demo resp's --hubs; default: the example's, 3/4 of the cores),
# JDK (JDK 21+ for the Loom anchor and the Weft server; default temurin-25), ANCHORS (where
# LoomResp.java is; default ../shared/anchors), PORT_WEFT/PORT_LOOM/PORT_REDIS (7101..7103).
# BASE=dir adds a fourth server, `./demo resp` of another checkout of Weft (an older commit, say;
# built there with `mvn package` the same way), on PORT_BASE (7104), and the ratio weft/base: an A/B
# of two builds under the same spells of the machine.
# Needs redis-benchmark and redis-server (Debian redis-tools, redis-server); installs them with
# apt-get when missing and running as root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

JDK=${JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
[[ -x "$JDK/bin/java" ]] || JDK=${JAVA_HOME:-}
[[ -n "$JDK" && -x "$JDK/bin/java" ]] || { echo "bench/resp.sh: no JDK 21+ found (set JDK=/path/to/jdk)" >&2; exit 2; }
ANCHORS=${ANCHORS:-../shared/anchors}
[[ -f "$ANCHORS/LoomResp.java" ]] || { echo "bench/resp.sh: no $ANCHORS/LoomResp.java (set ANCHORS=dir)" >&2; exit 2; }
ROUNDS=${ROUNDS:-3}
PORT_WEFT=${PORT_WEFT:-7101}
PORT_LOOM=${PORT_LOOM:-7102}
PORT_REDIS=${PORT_REDIS:-7103}
scale=1
if [[ ${1:-} == --quick ]]; then ROUNDS=1; scale=3; fi

# name|redis-benchmark arguments
LOADS=(
    "-P 16 -c 50|-c 50 -n $((300000 / scale)) -P 16"
    "-c 50|-c 50 -n $((100000 / scale))"
    "-c 1000|-c 1000 -n $((100000 / scale))"
)
SERVERS=(weft loom redis)
BASE=${BASE:-}
PORT_BASE=${PORT_BASE:-7104}
if [[ -n "$BASE" ]]; then
    [[ -x "$BASE/demo" ]] || { echo "bench/resp.sh: no $BASE/demo (BASE must be a checkout of Weft)" >&2; exit 2; }
    SERVERS+=(base)
fi

need_packages=()
command -v redis-benchmark >/dev/null && command -v redis-cli >/dev/null || need_packages+=(redis-tools)
command -v redis-server >/dev/null || need_packages+=(redis-server)
if [[ ${#need_packages[@]} -gt 0 ]]; then
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
        echo "bench/resp.sh: ${need_packages[*]} missing; install them (apt-get install ${need_packages[*]})" >&2
        exit 2
    fi
    echo "installing ${need_packages[*]} (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need_packages[@]}" >/dev/null
fi

for port in "$PORT_WEFT" "$PORT_LOOM" "$PORT_REDIS" ${BASE:+"$PORT_BASE"}; do
    if redis-cli -p "$port" PING >/dev/null 2>&1; then
        echo "bench/resp.sh: something already answers on port $port (set PORT_WEFT, PORT_LOOM, PORT_REDIS)" >&2
        exit 2
    fi
done

work=$(mktemp -d)
pids=()
stop_servers() {
    local pid
    for pid in "${pids[@]}"; do
        # each server runs in its own process group (setsid): ./demo's java is a child of its shell
        kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap stop_servers EXIT

# Builds before timing anything, so that ./demo starts at once.
echo "building (mvn package) and compiling the Loom anchor"
nice -n 10 mvn -B -q -Dstyle.color=never -DskipTests -pl runtime,agent,examples -am package >"$work/build.log" 2>&1 \
    || { cat "$work/build.log"; exit 1; }
touch examples/target/.demo-built
if [[ -n "$BASE" ]]; then
    (cd "$BASE" && nice -n 10 mvn -B -q -Dstyle.color=never -DskipTests -pl runtime,agent,examples -am package) >"$work/build-base.log" 2>&1 \
        || { cat "$work/build-base.log"; exit 1; }
    touch "$BASE/examples/target/.demo-built"
fi
mkdir -p "$work/loom"
"$JDK/bin/javac" -d "$work/loom" "$ANCHORS/LoomResp.java"

hubs=()
[[ -n ${HUBS:-} ]] && hubs=(--hubs "$HUBS")
JAVA_HOME=$JDK setsid ./demo resp "$PORT_WEFT" "${hubs[@]}" >"$work/weft.log" 2>&1 &
pids+=($!)
setsid "$JDK/bin/java" -cp "$work/loom" LoomResp "$PORT_LOOM" >"$work/loom.log" 2>&1 &
pids+=($!)
if [[ -n "$BASE" ]]; then
    JAVA_HOME=$JDK setsid "$BASE/demo" resp "$PORT_BASE" "${hubs[@]}" >"$work/base.log" 2>&1 &
    pids+=($!)
fi
setsid redis-server --port "$PORT_REDIS" --bind 127.0.0.1 --save "" --appendonly no >"$work/redis.log" 2>&1 &
pids+=($!)

port_of() {
    case $1 in
        weft) echo "$PORT_WEFT" ;;
        loom) echo "$PORT_LOOM" ;;
        redis) echo "$PORT_REDIS" ;;
        base) echo "$PORT_BASE" ;;
    esac
}

for server in "${SERVERS[@]}"; do
    port=$(port_of "$server")
    for _ in $(seq 120); do
        [[ $(redis-cli -p "$port" PING 2>/dev/null) == PONG ]] && break
        sleep 0.5
    done
    if [[ $(redis-cli -p "$port" PING 2>/dev/null) != PONG ]]; then
        echo "bench/resp.sh: the $server server did not answer PING on port $port; its output:" >&2
        cat "$work/$server.log" >&2
        exit 1
    fi
done

echo "JDK: $("$JDK/bin/java" -version 2>&1 | head -1); $(redis-server --version | cut -d' ' -f1-3); $(nproc) cores;" \
    "$(date -u +%Y-%m-%dT%H:%MZ); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "weft: $(head -1 "$work/weft.log")"
[[ -z "$BASE" ]] || echo "base ($BASE): $(head -1 "$work/base.log")"

# Warm-up: the JIT compiles the servers' hot paths before the first timed load, the pipelined
# ones and those of a request at a time (a read that finds nothing, a wait per request).
for server in "${SERVERS[@]}"; do
    redis-benchmark -p "$(port_of "$server")" -c 50 -n 200000 -P 16 -t set,get -q >/dev/null 2>&1
    redis-benchmark -p "$(port_of "$server")" -c 50 -n 50000 -t set,get -q >/dev/null 2>&1
done

# The CPU time (user + system, in clock ticks) of every process of a server's session: ./demo's
# java is a child of its shell, and setsid made each server the leader of a session of its own.
tick=$(getconf CLK_TCK)
cpu_of() {
    # after the command name (in parentheses): state is field 1, session 4, utime 12, stime 13
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v sid="$1" '{ sub(/^.*\) /, ""); if ($4 == sid) t += $12 + $13 } END { print t + 0 }'
}
pid_of() {
    local i
    for i in "${!SERVERS[@]}"; do
        if [[ ${SERVERS[$i]} == "$1" ]]; then
            echo "${pids_by_server[$i]}"
        fi
    done
}
# pids[] was filled in start order (weft, loom, [base,] redis); map them to SERVERS' order
pids_by_server=()
for i in "${!SERVERS[@]}"; do
    case ${SERVERS[$i]} in
        weft) pids_by_server[$i]=${pids[0]} ;;
        loom) pids_by_server[$i]=${pids[1]} ;;
        base) pids_by_server[$i]=${pids[2]} ;;
        redis) pids_by_server[$i]=${pids[${#pids[@]} - 1]} ;;
    esac
done

# One line per result: load|server|test|requests per second|server CPU µs per request|client CPU µs
# per request. Each test is its own redis-benchmark run, so that the CPU times are the test's.
results=$work/results
: >"$results"
TIMEFORMAT='%3U %3S'
for round in $(seq "$ROUNDS"); do
    for load in "${LOADS[@]}"; do
        name=${load%%|*}
        read -r -a args <<<"${load#*|}"
        requests=${args[$((${#args[@]} - 1))]}
        for i in "${!args[@]}"; do [[ ${args[$i]} == -n ]] && requests=${args[$((i + 1))]}; done
        for ((i = 0; i < ${#SERVERS[@]}; i++)); do
            server=${SERVERS[$(((i + round - 1) % ${#SERVERS[@]}))]}
            sid=$(pid_of "$server")
            for test in set get; do
                before=$(cpu_of "$sid")
                { time redis-benchmark -p "$(port_of "$server")" "${args[@]}" -t "$test" -q \
                    >"$work/bench.out" 2>"$work/bench.err"; } 2>"$work/bench.time"
                after=$(cpu_of "$sid")
                read -r cu cs <"$work/bench.time"
                tr '\r' '\n' <"$work/bench.out" | grep -E '^ *(SET|GET): [0-9.]+ requests per second' \
                    | sed -E "s/^ *(SET|GET): ([0-9.]+) requests per second.*/\1|\2/" \
                    | awk -F'|' -v name="$name" -v server="$server" -v s=$((after - before)) -v t="$tick" \
                        -v n="$requests" -v cu="$cu" -v cs="$cs" \
                        '{ printf "%s|%s|%s|%s|%.2f|%.2f\n", name, server, $1, $2, s / t * 1e6 / n, (cu + cs) * 1e6 / n }' \
                    | tee -a "$results" | awk -F'|' -v r="$round" \
                        '{ printf "round %s  %-12s %-6s %s %12.0f req/s   CPU per request: server %6.2f us, client %6.2f us\n", r, $1, $2, $3, $4, $5, $6 }'
                if grep -v 'Could not fetch server CONFIG' "$work/bench.err" | grep -q .; then
                    echo "redis-benchmark against $server complained:" >&2
                    cat "$work/bench.err" >&2
                fi
            done
        done
    done
done

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
# The median of the rounds for each load, server and test; then Weft's ratios; then the CPU time per
# request of each server and of the client against it (POSIX awk).
awk -F'|' '
    {
        key = $1 "|" $3 "|" $2
        v[key, ++n[key]] = $4
        sc[key, n[key]] = $5
        cc[key, n[key]] = $6
        if (!(($1 "|" $3) in seen)) { seen[$1 "|" $3] = 1; order[++loads] = $1 "|" $3 }
    }
    function median(arr, key,    m, i, j, t, a) {
        m = n[key]
        if (m == 0) return 0
        for (i = 1; i <= m; i++) a[i] = arr[key, i]
        for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
        return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
    }
    END {
        printf "\n%-18s %12s %12s %12s %10s %11s", "load, test", "weft req/s", "loom req/s", "redis req/s", "weft/loom", "weft/redis"
        if (base) printf " %12s %10s", "base req/s", "weft/base"
        printf "\n"
        for (o = 1; o <= loads; o++) {
            k = order[o]
            w = median(v, k "|weft"); l = median(v, k "|loom"); r = median(v, k "|redis")
            split(k, p, "|")
            printf "%-18s %12.0f %12.0f %12.0f %9.2fx %10.2fx", p[1] " " p[2], w, l, r, l ? w / l : 0, r ? w / r : 0
            if (base) { b = median(v, k "|base"); printf " %12.0f %9.2fx", b, b ? w / b : 0 }
            printf "\n"
        }
        printf "\nCPU time per request in us, server + client (redis-benchmark), medians\n"
        printf "%-18s %16s %16s %16s", "load, test", "weft", "loom", "redis"
        if (base) printf " %16s", "base"
        printf "\n"
        for (o = 1; o <= loads; o++) {
            k = order[o]
            split(k, p, "|")
            printf "%-18s", p[1] " " p[2]
            ns = base ? 4 : 3
            split("weft loom redis base", names, " ")
            for (i = 1; i <= ns; i++) {
                printf " %7.2f + %6.2f", median(sc, k "|" names[i]), median(cc, k "|" names[i])
            }
            printf "\n"
        }
    }' base="${BASE:+1}" "$results"
