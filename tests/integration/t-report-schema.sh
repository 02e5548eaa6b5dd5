#!/bin/sh
# Acceptance (issue 7, 4): the JSON report validates against its documented
# schema (data/schema/abicheck.report.v1.schema.json, docs/REPORT-JSON.md)
# and the SARIF against SARIF 2.1.0's structure
# (data/schema/sarif-2.1.0-abicheck.schema.json; also against $SARIF_SCHEMA
# when it names a copy of the official schema); what a schema cannot say is
# checked with jq: SARIF references resolve, the summary adds up, and the
# two formats of one report agree finding for finding.  Broken copies must
# be rejected, so the checks are seen to bite.
#
# The reports come from tests/unit/test_report.c (synthetic verdicts).  To
# add a real run: `run_abicheck IMAGE -o json; cp "$OUT" "$WORK/x.json"`,
# the same with -o sarif, then `check_pair "$WORK/x.json" "$WORK/x.sarif" DESC`
# (or `validate SCHEMA FILE DESC` for one file).
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")/../.." && pwd)
VALIDATE="$here/scripts/validate-json.py"
REPORT_SCHEMA="$here/data/schema/abicheck.report.v1.schema.json"
SARIF_SUBSET="$here/data/schema/sarif-2.1.0-abicheck.schema.json"

# validate SCHEMA FILE DESCRIPTION : FILE is valid against SCHEMA.
validate() {
	if line=$("$VALIDATE" "$1" "$2" 2>&1); then
		pass "$3: valid against $(basename "$1")"
	else
		fail "$3: $(echo "$line" | head -1)"
	fi
}

# expect_invalid SCHEMA FILE JQ-EDIT DESCRIPTION : FILE edited by JQ-EDIT
# is rejected by SCHEMA.
expect_invalid() {
	if ! jq "$3" "$2" > "$WORK/broken.json" 2> "$WORK/jq.err"; then
		fail "$4: jq edit failed: $(head -1 "$WORK/jq.err")"
	elif "$VALIDATE" "$1" "$WORK/broken.json" > "$WORK/validate.out" 2>&1; then
		fail "$4: accepted by $(basename "$1")"
	else
		pass "$4: rejected ($(sed 's/^FAIL [^:]*: //' "$WORK/validate.out" | head -1 | cut -c1-120))"
	fi
}

# jq_true DESCRIPTION FILTER FILE... : FILTER (jq -n, the files slurped as
# $a and $b) yields true.
jq_true() {
	desc=$1 filter=$2
	shift 2
	if [ $# = 1 ]; then set -- --slurpfile a "$1"; else set -- --slurpfile a "$1" --slurpfile b "$2"; fi
	if [ "$(jq -n "$@" "$filter" 2>&1)" = true ]; then
		pass "$desc"
	else
		fail "$desc: $(jq -n "$@" "$filter" 2>&1 | tr '\n' ' ' | cut -c1-300)"
	fi
}

# The JSON report's own arithmetic: the summary counts the verdicts, the
# exit status is report_exit_code()'s, a failing program's exit code,
# signal and reason are its first fail finding's, findings are sorted.
JSON_CONSISTENT='$a[0] as $d | $d.summary as $s
  | {"note": 0, "warn": 1, "fail": 2} as $sev
  | {"exec": 0, "loader": 1, "startup": 2, "runtime": 3} as $stage
  | $s.programs == ($d.programs | length)
  and all(("runs", "warn", "fails", "unknown"); . as $v
          | $s[$v] == ([$d.programs[] | select(.verdict == $v)] | length))
  and $s.exit_code == (if $s.fail_on == "never" then 0
        else ([$d.programs[].findings[] | select($sev[.severity] >= $sev[$s.fail_on])]
              | if length > 0 then 1 else 0 end) end)
  and all($d.programs[] | select(.verdict == "fails");
          ([.findings[] | select(.severity == "fail")][0]) as $f
          | .exit_code == $f.exit_code and .signal == $f.signal and .reason == $f.reason)
  and all($d.programs[]; .findings == (.findings | sort_by([-$sev[.severity], $stage[.stage], .rule])))'

# SARIF references: ruleIndex/ruleId name the same descriptor, rule ids are
# distinct and each used, artifact indexes and uris agree, every uriBaseId
# is declared, artifacts are distinct.
SARIF_REFS='$a[0].runs[0] as $r | ($r.tool.driver.rules | map(.id)) as $ids
  | ($ids | length) == ($ids | unique | length)
  and all($r.results[]; $ids[.ruleIndex] == .ruleId)
  and ($ids - [$r.results[].ruleId] | length) == 0
  and all($r.results[].locations[0].physicalLocation.artifactLocation; . as $l
          | $r.artifacts[$l.index].location.uri == $l.uri)
  and all($r.results[].locations[0].physicalLocation.artifactLocation.uriBaseId,
          $r.artifacts[].location.uriBaseId; . as $b | $r.originalUriBaseIds | has($b))
  and ($r.artifacts | map(.location.uri) | length == (unique | length))'

# One result per finding, in the same order, with the same facts; one
# artifact per distinct program path; the same exit status.
PAIR_AGREES='$a[0] as $j | $b[0].runs[0] as $r
  | [$j.programs[] as $p | $p.findings[]
     | {path: $p.path, rule, exit_code, signal, stage, severity}]
    == [$r.results[] | {path: .locations[0].logicalLocations[0].fullyQualifiedName,
                         rule: .ruleId, exit_code: .properties.exit_code,
                         signal: .properties.signal, stage: .properties.stage,
                         severity: .properties.severity}]
  and ($r.artifacts | length) == ([$j.programs[].path] | unique | length)
  and $r.invocations[0].exitCode == $j.summary.exit_code
  and $r.properties.image.ref == $j.image.ref'

# validate_sarif FILE DESCRIPTION
validate_sarif() {
	validate "$SARIF_SUBSET" "$1" "$2"
	[ -n "${SARIF_SCHEMA:-}" ] && validate "$SARIF_SCHEMA" "$1" "$2 (official schema)"
	jq_true "$2: references resolve" "$SARIF_REFS" "$1"
}

# check_pair JSON SARIF DESCRIPTION : both formats of one report.
check_pair() {
	validate "$REPORT_SCHEMA" "$1" "$3 json"
	jq_true "$3 json: summary, exit status and deciding failures consistent" "$JSON_CONSISTENT" "$1"
	validate_sarif "$2" "$3 sarif"
	jq_true "$3: the SARIF results are the JSON findings, one for one" "$PAIR_AGREES" "$1" "$2"
}

# The unit test binary of the build under test (ASan's sits beside its
# abicheck); built on demand for the release build.
unit_test_binary() {
	for b in "${REPORT_TEST:-}" "$(dirname "$ABICHECK")/tests/test_report" \
		 "$here/build/release/tests/test_report"; do
		[ -n "$b" ] && [ -x "$b" ] && { echo "$b"; return 0; }
	done
	make -C "$here" --no-print-directory build/release/tests/test_report > "$WORK/make.log" 2>&1 &&
		echo "$here/build/release/tests/test_report"
}

[ -z "${SARIF_SCHEMA:-}" ] || [ -r "$SARIF_SCHEMA" ] ||
	{ fail "SARIF_SCHEMA=$SARIF_SCHEMA: not readable"; finish; exit 1; }
bin=$(unit_test_binary) ||
	{ fail "tests/unit/test_report could not be built: $(tail -1 "$WORK/make.log")"; finish; exit 1; }
R="$WORK/reports"
mkdir -p "$R"
ABICHECK_REPORT_OUT_DIR="$R" "$bin" > "$WORK/unit.log" 2>&1
rc=$?
for f in report.json report.sarif report-empty.json report-empty.sarif report-latin1.sarif \
	 report-shared.sarif; do
	[ -s "$R/$f" ] || { fail "$bin did not write $f (exit $rc): $(grep -m1 -E 'FAILED|error' "$WORK/unit.log" || tail -1 "$WORK/unit.log")"; finish; exit 1; }
done
[ "$rc" = 0 ] && pass "$(basename "$bin") wrote $(ls "$R" | tr '\n' ' ')" ||
	fail "$bin: exit $rc: $(grep -m1 -E 'FAILED|error' "$WORK/unit.log")"

check_pair "$R/report.json" "$R/report.sarif" "synthetic report"
check_pair "$R/report-empty.json" "$R/report-empty.sarif" "empty report"
validate_sarif "$R/report-latin1.sarif" "non-UTF-8 path, sarif"
validate_sarif "$R/report-shared.sarif" "two programs at one path, sarif"

# Real reports of the main job: the demo image (everything runs) and the
# bookworm minbase rootfs under vsyscall=none with docker 19.03's filter
# (warnings with chains), each as JSON and SARIF.
real_pair() { # NAME ARGS...
	name=$1
	shift
	"$ABICHECK" "$@" -o json > "$R/$name.json" 2> "$WORK/err"
	"$ABICHECK" "$@" -o sarif > "$R/$name.sarif" 2>> "$WORK/err"
	check_pair "$R/$name.json" "$R/$name.sarif" "$name"
}
DEMO=$(cd "$here" && make --no-print-directory -s demo >/dev/null 2>&1; echo "$here/build/demo-image")
real_pair demo "oci:$DEMO:demo" --kernel-version 6.1
ROOTFS="$FIXTURES/bookworm-minbase"
[ -d "$ROOTFS/usr/bin" ] || "$here/scripts/fixtures.sh" rootfs > /dev/null
real_pair bookworm "dir:$ROOTFS" --kernel-version 6.1 --kernel-cmdline vsyscall=none \
	--seccomp docker:19.03.15
jq -e '.summary.warn > 0 and .summary.programs > 300' "$R/bookworm.json" > /dev/null &&
	pass "bookworm: >300 programs judged, warnings among them" ||
	fail "bookworm: $(jq -c .summary "$R/bookworm.json" 2>&1 | head -c 300)"

# Each schema, and each cross-check, rejects what breaks its rules.
J="$R/report.json" S="$R/report.sarif"
expect_invalid "$REPORT_SCHEMA" "$J" '.schema = "abicheck.report/v2"' "json: another schema version"
expect_invalid "$REPORT_SCHEMA" "$J" 'del(.summary.fail_on)' "json: a required key missing"
expect_invalid "$REPORT_SCHEMA" "$J" '.programs[0].findings[0].note = "x"' "json: an unknown key"
expect_invalid "$REPORT_SCHEMA" "$J" '.programs[0].findings[0].stage = "boot"' "json: an unknown stage"
expect_invalid "$REPORT_SCHEMA" "$J" '.programs[0].role = "cmd"' "json: an unknown role"
expect_invalid "$REPORT_SCHEMA" "$J" '.programs[1].exit_code = 139' "json: a program that runs with an exit code"
expect_invalid "$REPORT_SCHEMA" "$J" '.programs[1].error = "x"' "json: an error on a program that runs"
expect_invalid "$REPORT_SCHEMA" "$J" '.target.kernel.version = [6, 1]' "json: a two-part kernel version"
expect_invalid "$REPORT_SCHEMA" "$J" '.summary.fail_on = "never"' "json: exit status 1 with --fail-on never"
expect_invalid "$SARIF_SUBSET" "$S" '.version = "2.0.0"' "sarif: another version"
expect_invalid "$SARIF_SUBSET" "$S" '.runs[0].results[0].level = "fatal"' "sarif: an unknown level"
expect_invalid "$SARIF_SUBSET" "$S" '.runs[0].results[0].level = "warning"' "sarif: level not the severity's"
expect_invalid "$SARIF_SUBSET" "$S" 'del(.runs[0].invocations[0].executionSuccessful)' "sarif: invocation without executionSuccessful"
expect_invalid "$SARIF_SUBSET" "$S" '.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = "/bin/bash"' "sarif: an absolute path as uri"
expect_invalid "$SARIF_SUBSET" "$S" '.runs[0].results[0].codeFlows[0].threadFlows[0].locations = []' "sarif: an empty thread flow"
expect_invalid "$SARIF_SUBSET" "$S" '.runs[0].results[0].message = {}' "sarif: a message without text"
expect_invalid "$SARIF_SUBSET" "$S" '.runs[0].tool.driver.rules += [.runs[0].tool.driver.rules[0]]' "sarif: a rule descriptor twice"
jq '.runs[0].results[0].ruleIndex = 1' "$S" > "$WORK/bad-index.sarif"
jq_true "sarif refs: a wrong ruleIndex is caught" "($SARIF_REFS) | not" "$WORK/bad-index.sarif"
jq '.programs[0].findings[0].exit_code = 1' "$J" > "$WORK/other.json"
jq_true "pair: a finding that differs between the formats is caught" "($PAIR_AGREES) | not" \
	"$WORK/other.json" "$S"
jq '.summary.runs += 1' "$J" > "$WORK/miscount.json"
jq_true "json: a summary that does not add up is caught" "($JSON_CONSISTENT) | not" "$WORK/miscount.json"

finish
