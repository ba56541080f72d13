#!/usr/bin/env bash
# Start-up cost of the agent: loads every class of a few thousand-class jars in fresh JVMs, alternately
# without and with -javaagent, and prints the median times and their ratio (target: at most 1.05).
#
#   bench/startup.sh          10 runs of each, on JDK 17 and (when present) JDK 25
#   bench/startup.sh 20       20 runs of each
#
# Environment:
#   JDKS="/path/jdk ..."      the JDKs to run on
#   AGENT=other.jar           measure another build of the agent instead of agent/target's
#   AGENTS="a.jar b.jar"      measure several agents, interleaved in each round (a jar may carry
#                             options: a.jar=include=acme)
#   FLOOR=1                   also measure the floor: an agent whose transformer returns at once
#                             (startup.NoopAgent), and print each agent's ratio to it
#   JVM_NICE=-15              run the JVMs under test at this niceness (a shared machine; needs root)
#   SKIP_BUILD=1              use the jars already built
#   RAW=1                     also print every run's loading-thread CPU time, in run order
#   TIMING=1                  also print the median CPU time each agent's transformer spends (the agent's
#                             own share: the agent's -Dweft.timing=true, which sums it and prints it at exit;
#                             not for the floor's agent, which has no such timer)
#   COLD="DIR ..."            empty these directories before every run: with an agent given as
#                             a.jar=cache=DIR, every run of it is a first run (the agent's cold cache);
#                             a cache directory not listed here is filled by its first run and reused
#
# The agent's cache (agent option cache=DIR): AGENTS="a.jar a.jar=cache=/tmp/warm a.jar=cache=/tmp/cold"
# COLD=/tmp/cold measures the agent without a cache, with a warm one and with a cold one (the script
# runs each warm cache directory's agent once before the measured rounds).
#
# The jars are ones the build already has: ASM, JUnit, JMH and its dependencies from ~/.m2, and
# Maven's own libraries from /usr/share/maven/lib (those that exist are used), plus weft-runtime, as in
# an application that uses Weft: without it the loader could see no Weft type at all.
# Each run is a fresh JVM; each round runs every configuration once, in the same order.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs=${1:-10}
M2=${M2:-$HOME/.m2/repository}
read -r -a JDKS <<<"${JDKS:-/usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64}"

if [[ -z ${SKIP_BUILD:-} ]]; then
    build_log=$(mktemp)
    mvn -B -q -Dstyle.color=never -DskipTests -pl runtime,agent,bench -am package >"$build_log" 2>&1 || { cat "$build_log"; exit 1; }
    rm -f "$build_log"
fi
read -r -a AGENTS <<<"${AGENTS:-${AGENT:-$PWD/agent/target/weft-agent-0.1.0-SNAPSHOT.jar}}"
CP=$PWD/bench/target/classes
NOOP=
if [[ -n ${FLOOR:-} ]]; then
    NOOP=$(mktemp -d)/noop-agent.jar
    printf 'Premain-Class: startup.NoopAgent\nCan-Retransform-Classes: true\n' >"${NOOP%.jar}.mf"
    jar --create --file "$NOOP" --manifest "${NOOP%.jar}.mf" -C "$CP" startup/NoopAgent.class -C "$CP" 'startup/NoopAgent$1.class'
    AGENTS=("$NOOP" "${AGENTS[@]}")
fi

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

# One run: prints "<loading ms> <loading thread CPU ms> <whole JVM ms> <loaded> <failed> <transformer CPU ms or ->".
run() {
    local java=$1
    shift
    local t0 t1 out timing
    local err
    err=$(mktemp)
    t0=$(date +%s%N)
    if [[ -n ${JVM_NICE:-} ]]; then
        out=$(nice -n "$JVM_NICE" "$java" "$@" -cp "$CP" startup.StartupLoad "${jars[@]}" 2>"$err")
    else
        out=$("$java" "$@" -cp "$CP" startup.StartupLoad "${jars[@]}" 2>"$err")
    fi
    t1=$(date +%s%N)
    timing=$(sed -nE 's/.*\[weft\] timing: transformer cpu=([0-9.]+) ms.*/\1/p' "$err")
    grep -v '^\[weft\] timing:' "$err" >&2 || true
    rm -f "$err"
    sed -E 's/loaded=([0-9]+) failed=([0-9]+) ms=([0-9]+) cpu=([0-9]+)/\3 \4 '"$(((t1 - t0) / 1000000))"' \1 \2 '"${timing:--}"'/' <<<"$out"
}

# The label of a configuration: "without", "floor", or the agent jar's file name (with its options).
label() {
    local spec=$1
    local jar=${spec%%=*}
    if [[ -z $spec ]]; then echo without; elif [[ $spec == "$NOOP" ]]; then echo floor; else echo "$(basename "$jar")${spec#"$jar"}"; fi
}

configs=("" "${AGENTS[@]}")
printf '%-4s %-32s %10s %10s %10s %7s %7s\n' JDK agent "load ms" "load CPU" "JVM ms" loaded failed
for jdk in "${JDKS[@]}"; do
    [[ -x $jdk/bin/java ]] || continue
    feature=$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -nE 's/.*java.specification.version = //p')
    out=$(mktemp -d)
    run "$jdk/bin/java" >/dev/null # warm the file cache
    for spec in "${AGENTS[@]}"; do
        # fill each cache directory not emptied before every run (its first run writes it)
        if [[ $spec == *cache=* ]]; then
            dir=${spec##*cache=}
            dir=${dir%%,*}
            if [[ " ${COLD:-} " != *" $dir "* ]]; then
                run "$jdk/bin/java" "-javaagent:$spec" >/dev/null
            fi
        fi
    done
    for ((i = 0; i < runs; i++)); do
        for ((c = 0; c < ${#configs[@]}; c++)); do
            spec=${configs[c]}
            for dir in ${COLD:-}; do
                rm -rf "${dir:?}"
            done
            if [[ -z $spec ]]; then
                run "$jdk/bin/java" >>"$out/$c"
            elif [[ -n ${TIMING:-} && $spec != "$NOOP" ]]; then
                run "$jdk/bin/java" -Dweft.timing=true "-javaagent:$spec" >>"$out/$c"
            else
                run "$jdk/bin/java" "-javaagent:$spec" >>"$out/$c"
            fi
        done
    done
    for ((c = 0; c < ${#configs[@]}; c++)); do
        printf '%-4s %-32s %10s %10s %10s %7s %7s\n' "$feature" "$(label "${configs[c]}")" "$(cut -d' ' -f1 "$out/$c" | median)" \
            "$(cut -d' ' -f2 "$out/$c" | median)" "$(cut -d' ' -f3 "$out/$c" | median)" "$(head -1 "$out/$c" | cut -d' ' -f4)" \
            "$(head -1 "$out/$c" | cut -d' ' -f5)"
    done
    if [[ -n ${RAW:-} ]]; then
        for ((c = 0; c < ${#configs[@]}; c++)); do
            echo "$feature $(label "${configs[c]}") CPU ms: $(cut -d' ' -f2 "$out/$c" | tr '\n' ' ')"
        done
    fi
    if [[ -n ${TIMING:-} ]]; then
        for ((c = 1; c < ${#configs[@]}; c++)); do
            [[ ${configs[c]} == "$NOOP" ]] && continue
            echo "JDK $feature $(label "${configs[c]}"): transformer CPU ms, median $(cut -d' ' -f6 "$out/$c" | grep -v '^-$' | median)" \
                "of: $(cut -d' ' -f6 "$out/$c" | tr '\n' ' ')"
        done
    fi
    # ratio FIELD CONFIG BASE: the median of FIELD for CONFIG over its median for BASE
    ratio() { awk -v a="$(cut -d' ' -f"$1" "$out/$2" | median)" -v p="$(cut -d' ' -f"$1" "$out/$3" | median)" 'BEGIN {printf "%.3f", a / p}'; }
    for ((c = 1; c < ${#configs[@]}; c++)); do
        line="JDK $feature $(label "${configs[c]}")/without (medians): loading $(ratio 1 "$c" 0), loading thread CPU $(ratio 2 "$c" 0), whole JVM $(ratio 3 "$c" 0)"
        if [[ -n $NOOP && $c -gt 1 ]]; then
            line+="; /floor: loading thread CPU $(ratio 2 "$c" 1)"
        fi
        echo "$line"
    done
    rm -rf "$out"
done
