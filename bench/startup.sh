#!/usr/bin/env bash
# Start-up cost of the agent: loads every class of a few thousand-class jars in fresh JVMs, alternately
# without and with -javaagent, and prints the median times and their ratio (target: at most 1.05).
#
#   bench/startup.sh          10 runs of each, on JDK 17 and (when present) JDK 25
#   bench/startup.sh 20       20 runs of each
#
# The jars are ones the build already has: ASM, JUnit, JMH and its dependencies from ~/.m2, and
# Maven's own libraries from /usr/share/maven/lib (those that exist are used), plus weft-runtime, as in
# an application that uses Weft: without it the loader could see no Weft type at all.
# Each run is a fresh JVM; the runs alternate between without and with the agent.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs=${1:-10}
M2=${M2:-$HOME/.m2/repository}
read -r -a JDKS <<<"${JDKS:-/usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64}"

build_log=$(mktemp)
mvn -B -q -Dstyle.color=never -DskipTests -pl runtime,agent,bench -am package >"$build_log" 2>&1 || { cat "$build_log"; exit 1; }
rm -f "$build_log"
AGENT=${AGENT:-$PWD/agent/target/weft-agent-0.1.0-SNAPSHOT.jar} # AGENT=other.jar compares another build
CP=$PWD/bench/target/classes

jars=("$PWD/runtime/target/weft-runtime-0.1.0-SNAPSHOT.jar")
for j in org/ow2/asm/asm/9.8/asm-9.8.jar org/ow2/asm/asm-tree/9.8/asm-tree-9.8.jar \
        org/ow2/asm/asm-analysis/9.8/asm-analysis-9.8.jar org/ow2/asm/asm-commons/9.8/asm-commons-9.8.jar \
        org/ow2/asm/asm-util/9.8/asm-util-9.8.jar \
        org/junit/jupiter/junit-jupiter-api/5.14.1/junit-jupiter-api-5.14.1.jar \
        org/junit/jupiter/junit-jupiter-engine/5.14.1/junit-jupiter-engine-5.14.1.jar \
        org/junit/jupiter/junit-jupiter-params/5.14.1/junit-jupiter-params-5.14.1.jar \
        org/junit/platform/junit-platform-engine/1.14.1/junit-platform-engine-1.14.1.jar \
        org/junit/platform/junit-platform-commons/1.14.1/junit-platform-commons-1.14.1.jar \
        org/opentest4j/opentest4j/1.3.0/opentest4j-1.3.0.jar \
        org/apiguardian/apiguardian-api/1.1.2/apiguardian-api-1.1.2.jar \
        org/openjdk/jmh/jmh-core/1.37/jmh-core-1.37.jar \
        org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar \
        net/sf/jopt-simple/jopt-simple/5.0.4/jopt-simple-5.0.4.jar; do
    [[ -f $M2/$j ]] && jars+=("$M2/$j")
done
for j in /usr/share/maven/lib/*.jar; do
    [[ -f $j ]] && jars+=("$j")
done
classes=0
for j in "${jars[@]}"; do
    n=$(unzip -Z1 "$j" | grep -c '\.class$' || true)
    classes=$((classes + n))
done
echo "${#jars[@]} jars, $classes class files; $runs runs each; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# One run: prints "<loading ms> <loading thread CPU ms> <whole JVM ms> <loaded> <failed>".
run() {
    local java=$1
    shift
    local t0 t1 out
    t0=$(date +%s%N)
    out=$("$java" "$@" -cp "$CP" startup.StartupLoad "${jars[@]}")
    t1=$(date +%s%N)
    sed -E 's/loaded=([0-9]+) failed=([0-9]+) ms=([0-9]+) cpu=([0-9]+)/\3 \4 '"$(((t1 - t0) / 1000000))"' \1 \2/' <<<"$out"
}

printf '%-4s %-8s %10s %10s %10s %7s %7s\n' JDK agent "load ms" "load CPU" "JVM ms" loaded failed
for jdk in "${JDKS[@]}"; do
    [[ -x $jdk/bin/java ]] || continue
    feature=$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -nE 's/.*java.specification.version = //p')
    plain=$(mktemp)
    agent=$(mktemp)
    run "$jdk/bin/java" >/dev/null # warm the file cache
    for ((i = 0; i < runs; i++)); do
        run "$jdk/bin/java" >>"$plain"
        run "$jdk/bin/java" "-javaagent:$AGENT" >>"$agent"
    done
    for f in "$plain" "$agent"; do
        label=without; [[ $f == "$agent" ]] && label=with
        printf '%-4s %-8s %10s %10s %10s %7s %7s\n' "$feature" "$label" "$(cut -d' ' -f1 "$f" | median)" \
            "$(cut -d' ' -f2 "$f" | median)" "$(cut -d' ' -f3 "$f" | median)" "$(head -1 "$f" | cut -d' ' -f4)" \
            "$(head -1 "$f" | cut -d' ' -f5)"
    done
    ratio() { awk -v a="$(cut -d' ' -f"$1" "$agent" | median)" -v p="$(cut -d' ' -f"$1" "$plain" | median)" 'BEGIN {printf "%.3f", a / p}'; }
    echo "JDK $feature with/without (medians): loading $(ratio 1), loading thread CPU $(ratio 2), whole JVM $(ratio 3)"
    rm -f "$plain" "$agent"
done
