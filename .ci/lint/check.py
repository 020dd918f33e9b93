#!/usr/bin/env python3
"""Lint OpenAPI documents with Spectral and Redocly; print the findings per rule.

    python3 .ci/lint/check.py DOC...

Runs the linters installed in .ci/lint/node_modules (`npm ci` there) with the rule
sets beside this script. Fails when either linter reports an error, or a warning of a
rule that its configuration does not set to `warn` (the rules allowed to warn, each
with its reason, are in .spectral.yaml and redocly.yaml).
"""

import collections
import json
import os
import subprocess
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.path.join(HERE, "node_modules", ".bin")
SPECTRAL_RULES = os.path.join(HERE, ".spectral.yaml")
REDOCLY_CONFIG = os.path.join(HERE, "redocly.yaml")
# Spectral's numeric severities.
SPECTRAL_SEVERITY = {0: "error", 1: "warn", 2: "info", 3: "hint"}


def allowed_warnings(config_path):
    """The rules a configuration sets to `warn`: the ones allowed to warn."""
    with open(config_path, encoding="utf-8") as f:
        rules = (yaml.safe_load(f) or {}).get("rules") or {}
    allowed = set()
    for name, setting in rules.items():
        if isinstance(setting, dict):
            setting = setting.get("severity")
        if setting == "warn":
            allowed.add(name)
    return allowed


def run_json(command, what):
    """Runs a linter that prints JSON on stdout; exits with its output if it printed none."""
    env = dict(os.environ, REDOCLY_TELEMETRY="off", REDOCLY_SUPPRESS_UPDATE_NOTICE="true")
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        sys.stdout.flush()
        sys.stderr.write(f"{what} printed no JSON report (exit status {done.returncode}):\n")
        sys.stderr.write(done.stdout[-2000:] + done.stderr[-2000:] + "\n")
        sys.exit(2)


def spectral(doc):
    report = run_json(
        [os.path.join(BIN, "spectral"), "lint", "--quiet", "--format", "json",
         "--ruleset", SPECTRAL_RULES, doc],
        f"spectral on {doc}",
    )
    return [(p["code"], SPECTRAL_SEVERITY.get(p["severity"], str(p["severity"]))) for p in report]


def redocly(doc):
    report = run_json(
        [os.path.join(BIN, "redocly"), "lint", "--config", REDOCLY_CONFIG, "--format", "json",
         "--max-problems", "1000000000", doc],
        f"redocly on {doc}",
    )
    return [(p["ruleId"], p["severity"]) for p in report["problems"]]


def main(docs):
    linters = [
        ("spectral", spectral, allowed_warnings(SPECTRAL_RULES)),
        ("redocly", redocly, allowed_warnings(REDOCLY_CONFIG)),
    ]
    failed = 0
    for doc in docs:
        for name, lint, allowed in linters:
            counts = collections.Counter(lint(doc))
            if not counts:
                print(f"{doc}: {name}: no findings")
            for (rule, severity), count in sorted(counts.items()):
                if severity == "error" or (severity == "warn" and rule not in allowed):
                    verdict = "FAIL"
                    failed += count
                else:
                    verdict = "allowed"
                print(f"{doc}: {name}: {rule} ({severity}): {count} [{verdict}]")
    if failed:
        print(f"{failed} findings beyond the allowed warnings (.ci/lint/.spectral.yaml, "
              ".ci/lint/redocly.yaml); run the linter named above on the document for "
              "their places")
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
