#!/usr/bin/env python3
"""Validates an OSCAL assessment-results or POA&M JSON document with
compliance-trestle: its pre-parse compatibility check, its models (generated
from NIST's OSCAL schemas, unknown fields refused) and all of its validators
(duplicate UUIDs, role references, links), as `trestle import` and
`trestle validate` do; then checks that every UUID the document refers to is
defined in it.

usage: oscal_validate.py MODEL FILE   (MODEL: assessment-results | poam)
Prints the counts it found and exits 0 when valid; 1 with the reasons when not.
"""
import json
import pathlib
import sys

# Fields whose values are UUIDs of something defined in the same document.
REF_FIELDS = (
    "party-uuids",
    "actor-uuid",
    "observation-uuid",
    "risk-uuid",
    "finding-uuid",
    "subject-uuid",
    "member-of-organizations",
)


def walk(node, defined, refs, path="$"):
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}"
            if key == "uuid" and isinstance(value, str):
                defined.add(value)
            elif key in REF_FIELDS:
                for v in value if isinstance(value, list) else [value]:
                    refs.append((here, v))
            elif key == "href" and isinstance(value, str) and value.startswith("#"):
                refs.append((here, value[1:]))
            walk(value, defined, refs, here)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            walk(value, defined, refs, f"{path}[{i}]")


def counts(kind, model):
    if kind == "assessment-results":
        r = model.results
        sel = r[0].reviewed_controls.control_selections[0]
        return (
            f"results={len(r)} observations={len(r[0].observations or [])} "
            f"risks={len(r[0].risks or [])} findings={len(r[0].findings or [])} "
            f"included={len(sel.include_controls or [])} excluded={len(sel.exclude_controls or [])} "
            f"parties={len(model.metadata.parties or [])}"
        )
    return (
        f"poam-items={len(model.poam_items)} risks={len(model.risks or [])} "
        f"findings={len(model.findings or [])} observations={len(model.observations or [])} "
        f"parties={len(model.metadata.parties or [])}"
    )


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("assessment-results", "poam"):
        print(__doc__, file=sys.stderr)
        return 2
    kind, path = sys.argv[1], pathlib.Path(sys.argv[2])
    try:
        import argparse

        from trestle.common import const
        from trestle.core.validator_factory import validator_factory
        from trestle.core.oscal_backward_compatibility import check_raw_oscal
        from trestle.oscal.assessment_results import AssessmentResults
        from trestle.oscal.poam import PlanOfActionAndMilestones
    except ImportError as e:
        print(f"compliance-trestle is not installed for {sys.executable}: {e}", file=sys.stderr)
        return 1
    raw = json.loads(path.read_text(encoding="utf-8"))
    errors = [str(i) for i in check_raw_oscal(raw) if i.severity == "ERROR"]
    if errors:
        print("OSCAL compatibility errors:\n" + "\n".join(errors), file=sys.stderr)
        return 1
    cls = AssessmentResults if kind == "assessment-results" else PlanOfActionAndMilestones
    try:
        model = cls.oscal_read(path)
    except Exception as e:  # trestle raises its own error types with the reasons
        print(f"invalid OSCAL {kind}: {e}", file=sys.stderr)
        return 1
    if model is None:
        print(f"invalid OSCAL {kind}: trestle read nothing from {path}", file=sys.stderr)
        return 1
    # What `trestle import` runs on a model before accepting it.
    validator = validator_factory.get(argparse.Namespace(mode=const.VAL_MODE_ALL))
    if not validator.model_is_valid(model, True, None):
        print(f"invalid OSCAL {kind}: {validator.error_msg()}", file=sys.stderr)
        return 1
    defined, refs = set(), []
    walk(raw, defined, refs)
    dangling = [f"{where} -> {uuid}" for where, uuid in refs if uuid not in defined]
    if dangling:
        print("references to undefined UUIDs:\n" + "\n".join(dangling), file=sys.stderr)
        return 1
    print(f"valid OSCAL {kind}: {counts(kind, model)} references={len(refs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
