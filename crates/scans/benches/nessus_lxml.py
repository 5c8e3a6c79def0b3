"""The Python baseline of the parse benchmark: a Nessus v2 report read with
lxml's iterparse, extracting the fields zilv-scans extracts from each
ReportItem (plugin ID and name, severity and risk factor, host name, IP and
FQDN, port, protocol, CVEs, CWEs, CVSS v3 and v2 scores and vectors,
description or synopsis, solution, see-also references), one dict per
finding, each element cleared once read so memory stays bounded.

Usage: python nessus_lxml.py REPORT.nessus
Prints one line: `findings=N seconds=S` (S is the parse time alone).
"""

import sys
import time

from lxml import etree


def text(el):
    t = (el.text or "").strip()
    return t or None


def parse(path):
    findings = 0
    host = {}
    checksum = 0
    for _event, el in etree.iterparse(path, events=("end",), resolve_entities=False,
                                      no_network=True, huge_tree=True):
        tag = el.tag
        if tag == "ReportItem":
            item = {
                "plugin_id": el.get("pluginID", ""),
                "title": el.get("pluginName"),
                "severity": el.get("severity", "0"),
                "port": el.get("port"),
                "protocol": el.get("protocol"),
                "host": host.get("name"),
                "ip": host.get("ip"),
                "fqdn": host.get("fqdn"),
                "cves": [],
                "cwes": [],
                "references": [],
            }
            for child in el:
                name = child.tag
                if name == "cve":
                    item["cves"].append(text(child))
                elif name == "cwe":
                    item["cwes"].append(text(child))
                elif name == "xref":
                    x = text(child) or ""
                    if x.startswith("CWE:"):
                        item["cwes"].append(x[4:])
                elif name == "see_also":
                    item["references"] = (child.text or "").split()
                elif name in ("description", "synopsis", "solution", "risk_factor",
                              "cvss3_base_score", "cvss3_vector", "cvss_base_score",
                              "cvss_vector", "plugin_name"):
                    item.setdefault(name, text(child))
            if item.get("cvss3_base_score"):
                item["cvss3_base_score"] = float(item["cvss3_base_score"])
            if item.get("cvss_base_score"):
                item["cvss_base_score"] = float(item["cvss_base_score"])
            if item["port"] is not None:
                item["port"] = int(item["port"])
            findings += 1
            checksum += len(item["plugin_id"])
            el.clear()
            # Drop the cleared siblings already read, as lxml's docs advise.
            parent = el.getparent()
            if parent is not None:
                while el.getprevious() is not None:
                    del parent[0]
        elif tag == "tag":
            pass  # read with its HostProperties
        elif tag == "HostProperties":
            for t in el:
                if t.get("name") == "host-ip":
                    host["ip"] = text(t)
                elif t.get("name") == "host-fqdn":
                    host["fqdn"] = text(t)
            host["name"] = el.getparent().get("name")
        elif tag == "ReportHost":
            host = {}
            el.clear()
    return findings, checksum


def main():
    start = time.perf_counter()
    findings, _ = parse(sys.argv[1])
    seconds = time.perf_counter() - start
    print(f"findings={findings} seconds={seconds:.3f}")


if __name__ == "__main__":
    main()
