#!/usr/bin/env python3
"""Validates an OSCAL JSON document with compliance-trestle's models, which
are generated from NIST's OSCAL schemas.

usage: validate-oscal.py MODEL FILE   (MODEL: catalog)
Prints the counts it found and exits 0 when valid; 1 with the reasons when not.
"""
import pathlib
import sys


def count_controls(controls):
    n = 0
    for c in controls or []:
        if c.class_ == "clause":
            n += 1
        n += count_controls(c.controls)
    return n


def main():
    if len(sys.argv) != 3 or sys.argv[1] != "catalog":
        print(__doc__, file=sys.stderr)
        return 2
    try:
        from trestle.oscal.catalog import Catalog
    except ImportError as e:
        print(f"compliance-trestle is not installed for {sys.executable}: {e}", file=sys.stderr)
        return 1
    try:
        cat = Catalog.oscal_read(pathlib.Path(sys.argv[2]))
    except Exception as e:  # trestle raises its own error types with the reasons
        print(f"invalid OSCAL catalog: {e}", file=sys.stderr)
        return 1
    controls = sum(count_controls(g.controls) for g in cat.groups or [])
    print(f"valid OSCAL catalog: groups={len(cat.groups or [])} controls={controls}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
