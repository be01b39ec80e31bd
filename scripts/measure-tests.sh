#!/usr/bin/env bash
# scripts/measure-tests.sh [--no-install]
#
# Times what a fresh clone runs to pass its tests, `npm ci` (left out with --no-install) then
# `npm test`, sampling the load average while they run, and rewrites the figures they give:
# README.md's `<!-- figures:tests -->` section (the two times and the test count) and
# docs/testing.md's `<!-- figures:test-projects -->` (each jest project's files, tests and seconds,
# and the slowest files), from what tests/support/timingReporter.js writes (MAILTRAP_TEST_TIMINGS).
# Run it on a clean clone on a machine like CI's (two cores, nothing else running), then commit
# the two files. A failing `npm test` rewrites nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

INSTALL=1
case "${1:-}" in
--no-install) INSTALL=0 ;;
"") ;;
*)
    echo "usage: $0 [--no-install]" >&2
    exit 2
    ;;
esac

WORK="$(mktemp -d)"
SAMPLER=""
cleanup() {
    [ -z "$SAMPLER" ] || kill "$SAMPLER" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
# The 1-minute load average every 5 s, to say how busy the machine was.
(while :; do
    cut -d' ' -f1 /proc/loadavg >>"$WORK/load"
    sleep 5
done) &
SAMPLER=$!

install_seconds=""
if [ "$INSTALL" = 1 ]; then
    started=$(date +%s)
    npm ci --no-audit --no-fund
    install_seconds=$(($(date +%s) - started))
fi
started=$(date +%s)
status=0
MAILTRAP_TEST_TIMINGS="$WORK/timings.json" npm test || status=$?
test_seconds=$(($(date +%s) - started))
kill "$SAMPLER" 2>/dev/null || true
SAMPLER=""
if [ "$status" != 0 ]; then
    echo "measure-tests: npm test failed (exit $status); the figures are left as they were" >&2
    exit "$status"
fi

node - "$WORK/timings.json" "$WORK/load" "$test_seconds" "$install_seconds" "$(nproc)" <<'EOF'
const fs = require("fs");
const [timingsFile, loadFile, testSeconds, installSeconds, cores] = process.argv.slice(2);
const timings = JSON.parse(fs.readFileSync(timingsFile, "utf8"));
const loads = fs.readFileSync(loadFile, "utf8").trim().split("\n").map(Number);
const load = (loads.reduce((a, b) => a + b, 0) / loads.length).toFixed(1);
const duration = (s) => (s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`);
const count = (n) => n.toLocaleString("en-US");
const date = new Date().toISOString().slice(0, 10);

function rewrite(file, name, text) {
    const content = fs.readFileSync(file, "utf8");
    const section = new RegExp(`<!-- figures:${name} -->[\\s\\S]*?<!-- /figures -->`);
    if (!section.test(content)) throw new Error(`${file} has no <!-- figures:${name} --> section`);
    fs.writeFileSync(file, content.replace(section, `<!-- figures:${name} -->${text}<!-- /figures -->`));
    console.log(`measure-tests: rewrote ${file}'s figures:${name}`);
}

const install = installSeconds ? `\`npm ci\` ${duration(Number(installSeconds))}, ` : "";
rewrite(
    "README.md",
    "tests",
    `Measured (${date}, ${cores} cores, load average ${load}, Node.js ${process.versions.node}): ${install}` +
        `\`npm test\` ${duration(Number(testSeconds))}, its build included, for ${count(timings.tests)} tests in ${timings.byFile.length} runs of files.`,
);

const projects = new Map();
for (const row of timings.byFile) {
    const p = projects.get(row.project) ?? { files: 0, tests: 0, seconds: 0 };
    p.files += 1;
    p.tests += row.tests;
    p.seconds += row.seconds;
    projects.set(row.project, p);
}
const lines = [
    "",
    `\`npm test\` on ${date}: ${duration(Number(testSeconds))} on ${cores} cores at a load average of ${load}, Node.js ${process.versions.node}.`,
    "A project's seconds add up its files' (two run at a time).",
    "",
    "| project | files | tests | seconds |",
    "|---|---:|---:|---:|",
    ...[...projects].sort((a, b) => b[1].seconds - a[1].seconds).map(([name, p]) => `| ${name} | ${p.files} | ${count(p.tests)} | ${Math.round(p.seconds)} |`),
    "",
    "The slowest files:",
    "",
    "| file | project | tests | seconds |",
    "|---|---|---:|---:|",
    ...timings.byFile.slice(0, 12).map((row) => `| \`${row.file}\` | ${row.project} | ${row.tests} | ${Math.round(row.seconds)} |`),
    "",
];
rewrite("docs/testing.md", "test-projects", lines.join("\n"));
EOF
