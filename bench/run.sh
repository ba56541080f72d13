#!/usr/bin/env bash
# Runs Weft's benchmarks beside their anchors (Loom's Continuation, virtual threads, a hand-written
# Iterator, a Stream) in one JMH run on JDK 25, prints the ratios, and plots the round trip's cost
# against stack depth for Weft and Loom.
#
#   bench/run.sh            full run (about 14 minutes on 2 cores)
#   bench/run.sh --quick    short run (under 3 minutes; wide error bars)
#   bench/run.sh --quick 'RoundTrip'   only the benchmarks matching a JMH regex
#   bench/run.sh Sleepers   1M greenlets sleeping beside 1M virtual threads (not in the default set:
#                           each operation sleeps 1 s and collects twice; about 8 minutes in full)
#
# Keeps JMH's JSON results in bench/target/jmh-result.json and draws the plot (when RoundTrip ran) to
# bench/target/roundtrip-depth.png, or to $PLOT (PLOT=docs/roundtrip-depth.png bench/run.sh).
#
# Needs JDK 21+ for Loom (JDK25 below, or JAVA_HOME); builds the agent and the benchmarks first.
# When the filter includes GreenletPingPong and /usr/bin/python3 has greenlet (Debian: python3-greenlet),
# CPython's greenlet switch is timed too, after JMH, and printed beside Weft's.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

JDK=${JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
[[ -x "$JDK/bin/java" ]] || JDK=${JAVA_HOME:-}
[[ -n "$JDK" && -x "$JDK/bin/java" ]] || { echo "bench/run.sh: no JDK 21+ found (set JDK=/path/to/jdk)" >&2; exit 2; }

quick=0
if [[ ${1:-} == --quick ]]; then quick=1; shift; fi
filter=${1:-'RoundTrip|FastPath|GreenletPingPong|GeneratorIteration|SpawnFinish|SyncPingPong|AwaitBench'}
png=${PLOT:-bench/target/roundtrip-depth.png}

mvn -B -q -Dstyle.color=never -DskipTests -pl bench -am package >/dev/null
AGENT=$PWD/agent/target/weft-agent-0.1.0-SNAPSHOT.jar
out=$(mktemp -d)
if [[ $quick == 1 ]]; then
    jmh=(-f 1 -wi 2 -w 1s -i 2 -r 1s)
else
    jmh=(-f 2 -wi 2 -w 2s -i 4 -r 2s)
fi

echo "JDK: $("$JDK/bin/java" -version 2>&1 | head -1); $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
"$JDK/bin/java" -jar bench/target/weft-benchmarks.jar "$filter" "${jmh[@]}" \
    -jvmArgsAppend "-javaagent:$AGENT --add-exports java.base/jdk.internal.vm=ALL-UNNAMED" \
    -rf json -rff "$out/result.json" 2>&1 | grep -E '^(Benchmark +[(A-Z]|RoundTrip|FastPath|GreenletPingPong|GeneratorIteration|SpawnFinish|SyncPingPong|Sleepers|AwaitBench)'
cp "$out/result.json" bench/target/jmh-result.json
REPORT=("$JDK/bin/java" -Djava.awt.headless=true -cp bench/target/weft-benchmarks.jar dev.weft.bench.BenchReport)
"${REPORT[@]}" csv "$out/result.json" > "$out/result.csv"

# CPython's greenlet ping-pong, the logic of ../shared/anchors/greenlet_pingpong.py: ns per switch.
cpython=
if [[ GreenletPingPong =~ $filter ]]; then
    if /usr/bin/python3 -c 'import greenlet' 2>/dev/null; then
        cpython=$(/usr/bin/python3 - <<'PY'
import time
from greenlet import greenlet
N = 2_000_000
def ping():
    for _ in range(N):
        g2.switch()
def pong():
    while True:
        g1.switch()
g1 = greenlet(ping); g2 = greenlet(pong)
t = time.perf_counter(); g1.switch(); dt = time.perf_counter() - t
print(f"{dt / (2 * N) * 1e9:.1f}")
PY
)
        echo "CPython $(/usr/bin/python3 -c 'import sys, greenlet; print(sys.version.split()[0], "greenlet", greenlet.__version__)'): $cpython ns per switch"
    else
        echo "CPython greenlet anchor skipped: /usr/bin/python3 cannot import greenlet (apt-get install python3-greenlet)"
    fi
fi

# One line per figure: Weft, the anchor, and how many times faster Weft is (or its overhead).
awk -F, -v cpython="$cpython" '
    NR == 1 {
        gsub(/"/, "");
        for (i = 1; i <= NF; i++) column[$i] = i;
        next
    }
    {
        gsub(/"/, "");
        split($1, name, ".");
        bench = name[length(name)];
        param = ("Param: depth" in column) ? $(column["Param: depth"]) : "";
        if (param == "" && ("Param: n" in column)) param = $(column["Param: n"]);
        key = name[length(name) - 1] "/" param;
        score[key "/" bench] = $(column["Score"]);
        keys[key] = 1;
    }
    END {
        for (k in keys) {
            if ((k "/weft") in score && (k "/loom") in score) {
                split(k, p, "/");
                printf "%-22s %12.1f %12.1f %9.1fx  (Loom / Weft)\n", "round trip depth " p[2], score[k "/weft"], score[k "/loom"], score[k "/loom"] / score[k "/weft"];
            }
            if ((k "/wovenOutside") in score && (k "/plainOutside") in score) {
                printf "%-22s %12.1f %12.1f %+9.1f%%  (woven vs plain)\n", "fast path, outside", score[k "/wovenOutside"], score[k "/plainOutside"], 100 * (score[k "/wovenOutside"] / score[k "/plainOutside"] - 1);
            }
            if ((k "/wovenInside") in score && (k "/plainInside") in score) {
                printf "%-22s %12.1f %12.1f %+9.1f%%  (woven vs plain)\n", "fast path, inside", score[k "/wovenInside"], score[k "/plainInside"], 100 * (score[k "/wovenInside"] / score[k "/plainInside"] - 1);
            }
            split(k, p, "/");
            if (p[1] == "GreenletPingPong" && (k "/greenlets") in score && (k "/virtualThreads") in score) {
                printf "%-22s %12.1f %12.1f %9.1fx  (virtual threads / Weft)\n", "greenlet switch", score[k "/greenlets"], score[k "/virtualThreads"], score[k "/virtualThreads"] / score[k "/greenlets"];
            }
            if (p[1] == "SpawnFinish" && (k "/greenlets") in score && (k "/virtualThreads") in score) {
                printf "%-22s %12.1f %12.1f %9.1fx  (virtual threads / Weft)\n", "spawn + finish", score[k "/greenlets"], score[k "/virtualThreads"], score[k "/virtualThreads"] / score[k "/greenlets"];
            }
            if (p[1] == "Sleepers" && (k "/greenlets") in score && (k "/virtualThreads") in score) {
                printf "%-22s %12.1f %12.1f %9.1fx  (virtual threads / Weft; ms for the whole program)\n", "1M sleepers, ms", score[k "/greenlets"], score[k "/virtualThreads"], score[k "/virtualThreads"] / score[k "/greenlets"];
            }
            if (p[1] == "Sleepers" && (k "/greenletsHeap:heapBytesPerTask") in score && (k "/virtualThreadsHeap:heapBytesPerTask") in score) {
                printf "%-22s %12.1f %12.1f %9.2fx  (virtual threads / Weft; bytes, not ns)\n", "heap per sleeper, B", score[k "/greenletsHeap:heapBytesPerTask"], score[k "/virtualThreadsHeap:heapBytesPerTask"], score[k "/virtualThreadsHeap:heapBytesPerTask"] / score[k "/greenletsHeap:heapBytesPerTask"];
            }
            if ((k "/generator") in score && (k "/iterator") in score) {
                printf "%-22s %12.1f %12.1f %9.2fx  (Iterator / Weft)\n", "generator vs Iterator", score[k "/generator"], score[k "/iterator"], score[k "/iterator"] / score[k "/generator"];
            }
            if ((k "/generatorInWovenCode") in score && (k "/iterator") in score) {
                printf "%-22s %12.1f %12.1f %9.2fx  (Iterator / Weft)\n", "generator, woven loop", score[k "/generatorInWovenCode"], score[k "/iterator"], score[k "/iterator"] / score[k "/generatorInWovenCode"];
            }
            if ((k "/generator") in score && (k "/stream") in score) {
                printf "%-22s %12.1f %12.1f %9.2fx  (Stream / Weft)\n", "generator vs Stream", score[k "/generator"], score[k "/stream"], score[k "/stream"] / score[k "/generator"];
            }
            if ((k "/event") in score && (k "/virtualThreadsPark") in score) {
                printf "%-22s %12.1f %12.1f %9.1fx  (virtual threads, park / Weft)\n", "Event ping-pong", score[k "/event"], score[k "/virtualThreadsPark"], score[k "/virtualThreadsPark"] / score[k "/event"];
            }
            if ((k "/channel") in score && (k "/virtualThreadsSynchronousQueue") in score) {
                printf "%-22s %12.1f %12.1f %9.1fx  (virtual threads, SynchronousQueue / Weft)\n", "Channel ping-pong", score[k "/channel"], score[k "/virtualThreadsSynchronousQueue"], score[k "/virtualThreadsSynchronousQueue"] / score[k "/channel"];
            }
            if ((k "/awaitCompleted") in score && (k "/joinCompleted") in score) {
                printf "%-22s %12.1f %12.1f %9.2fx  (Hub.await / join, target at most 2)\n", "await, completed", score[k "/awaitCompleted"], score[k "/joinCompleted"], score[k "/awaitCompleted"] / score[k "/joinCompleted"];
            }
            if ((k "/awaitCompletedInWovenCode") in score && (k "/joinCompletedInLoop") in score) {
                printf "%-22s %12.1f %12.1f %9.2fx  (Hub.await / join in woven code, target at most 2)\n", "await, completed, woven", score[k "/awaitCompletedInWovenCode"], score[k "/joinCompletedInLoop"], score[k "/awaitCompletedInWovenCode"] / score[k "/joinCompletedInLoop"];
            }
            if ((k "/awaitFromThread") in score && (k "/virtualThreadJoin") in score) {
                printf "%-22s %12.1f %12.1f %9.1fx  (virtual thread join / Weft)\n", "await, other thread", score[k "/awaitFromThread"], score[k "/virtualThreadJoin"], score[k "/virtualThreadJoin"] / score[k "/awaitFromThread"];
            }
            if (p[1] == "GreenletPingPong" && (k "/greenlets") in score && cpython != "") {
                printf "%-22s %12.1f %12.1f %9.1fx  (CPython greenlet / Weft)\n", "greenlet switch, py", score[k "/greenlets"], cpython, cpython / score[k "/greenlets"];
            }
        }
    }' "$out/result.csv" | sort -V | { printf '\n%-22s %12s %12s %10s\n' figure 'weft ns' 'anchor ns' ratio; cat; }
if [[ RoundTrip =~ $filter ]]; then
    "${REPORT[@]}" plot "$out/result.json" "$png" || echo "bench/run.sh: drawing the plot failed (above); the table is complete" >&2
fi
rm -rf "$out"
