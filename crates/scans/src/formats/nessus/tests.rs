//! The report hosts cut out whole and parsed on worker threads, or on the
//! reading thread, give exactly what the tokenizer reading them in order
//! gives: the same findings in the same order, the same error at the same
//! line and column, the same stop.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::path::PathBuf;

use super::{parse_with, Hosts};
use crate::finding::Finding;
use crate::sink::{BoxError, Sink};

/// Findings and the error (as displayed) of a parse reading hosts so,
/// the callback stopping the parse at finding `stop_at` if given.
fn run(bytes: &[u8], workers: Hosts, stop_at: Option<usize>) -> (Vec<Finding>, Option<String>) {
    let (findings, result) = run_counting(bytes, workers, stop_at);
    (findings, result.err())
}

/// [`run`], with the number of hosts the workers parsed if no error.
fn run_counting(
    bytes: &[u8],
    workers: Hosts,
    stop_at: Option<usize>,
) -> (Vec<Finding>, Result<(usize, usize), String>) {
    let mut out = Vec::new();
    let mut cb = |f: Finding| -> Result<(), BoxError> {
        if Some(out.len()) == stop_at {
            return Err("enough".into());
        }
        out.push(f);
        Ok(())
    };
    let mut sink = Sink::new("t.nessus", &mut cb);
    let mut r: &[u8] = bytes;
    let result = parse_with(&mut r, &mut sink, workers).map_err(|e| e.to_string());
    (out, result)
}

/// The ways of reading hosts compared with reading them in order.
const SPLIT: [Hosts; 2] = [Hosts::Split(0), Hosts::Split(2)];

/// Asserts that hosts cut out (here and on two workers) give what reading
/// in order gives on `bytes`; returns the number of findings.
fn same(bytes: &[u8], what: &str) -> usize {
    let (one, one_err) = run(bytes, Hosts::InOrder, None);
    for hosts in SPLIT {
        let (two, two_err) = run(bytes, hosts, None);
        assert_eq!(one_err, two_err, "{what}, {hosts:?}: errors differ");
        assert_eq!(
            one.len(),
            two.len(),
            "{what}, {hosts:?}: finding counts differ"
        );
        for (i, (a, b)) in one.iter().zip(&two).enumerate() {
            assert_eq!(a, b, "{what}, {hosts:?}: finding {i} differs");
        }
    }
    one.len()
}

fn sample(name: &str) -> Vec<u8> {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/samples/scans/nessus/"
    ))
    .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A report of `hosts` hosts of `items` items each, with the odd things
/// reports hold: entities, CDATA, comments, host properties, repeated and
/// nested fields, and hosts that workers may not take.
fn generated(hosts: usize, items: usize) -> Vec<u8> {
    let mut s = String::from(
        "<?xml version=\"1.0\" ?>\n<NessusClientData_v2>\n<Policy><policyName>p</policyName>\
         <ReportItem pluginID=\"1\"/></Policy>\n<Report name=\"r\">\n",
    );
    for h in 0..hosts {
        match h % 7 {
            // Not directly under <Report>'s hosts that a worker may take.
            5 => s.push_str("<?pi x?>\n"),
            6 => s.push_str("<!-- a comment between hosts -->\n"),
            _ => {}
        }
        let _ = write!(
            s,
            "<ReportHost name=\"h{h}&amp;x\"><HostProperties>\n<tag name=\"host-ip\">10.0.0.{h}</tag>\
             <tag name=\"host-fqdn\"> h{h}.example </tag></HostProperties>\n"
        );
        // A comment that looks like the host's end.
        let comment = if h % 5 == 2 {
            "<!-- </ReportHost> -->"
        } else {
            "<!-- -->"
        };
        // A character reference in text that is kept: not written plainly
        // (in text that is not kept, as in plugin_output, it does not count).
        let reference = if h % 3 == 1 { "&#65;" } else { "A" };
        for i in 0..items {
            let _ = write!(
                s,
                "<ReportItem port=\"{}\" protocol=\"tcp\" severity=\"{}\" pluginID=\"{}\" pluginName=\"P &lt;{i}&gt;\">\n\
                 <cve>CVE-2020-{i:04}</cve><cve>cve-2021-1</cve><cwe>CWE-79</cwe><xref>CWE:200</xref>\n\
                 <description><![CDATA[a <b> c]]> and &amp; more</description>\
                 <description>second</description>{comment}\n\
                 <synopsis>syn{reference}</synopsis><solution>n/a</solution><risk_factor>High</risk_factor>\
                 <see_also>https://a/{i}\nhttps://b/{i}</see_also><cvss3_base_score>7.5</cvss3_base_score>\
                 <cvss_vector>CVSS2#AV:N</cvss_vector><plugin_output x='&gt;'>out <x>&#65;</x></plugin_output>\
                 </ReportItem>\n",
                i % 100,
                i % 5,
                1000 + i
            );
        }
        if h % 4 == 3 {
            s.push_str("<?pi inside?>");
        }
        // An end tag written otherwise than the one looked for.
        s.push_str(if h % 11 == 10 {
            "</ReportHost >\n"
        } else {
            "</ReportHost>\n"
        });
        if h % 9 == 8 {
            s.push_str(
                "<ReportItem pluginID=\"9\"><description>after a host</description></ReportItem>\n",
            );
        }
    }
    s.push_str("<ReportHost/>\n</Report>\n</NessusClientData_v2>\n");
    s.into_bytes()
}

#[test]
fn workers_agree_with_one_thread_on_the_samples() {
    for (name, hosts) in [
        ("nessus_many_vuln.xml", (1, 1)),
        ("nessus_v_unknown.xml", (7, 7)),
    ] {
        let bytes = sample(name);
        let n = same(&bytes, name);
        assert!(n > 0, "{name}: no findings");
        for split in SPLIT {
            assert_eq!(run_counting(&bytes, split, None).1, Ok(hosts), "{name}");
        }
    }
}

#[test]
fn workers_agree_with_one_thread_on_a_generated_report() {
    let bytes = generated(30, 20);
    // Every item, those of the policy and after hosts too.
    assert_eq!(same(&bytes, "generated"), 30 * 20 + 4);
    // Workers took the hosts but the 6 with what looks like their end in a
    // comment and the 2 whose end tag has a space; of those, the 11 without
    // a character reference or a processing instruction were written plainly.
    for split in SPLIT {
        let (_, hosts) = run_counting(&bytes, split, None);
        assert_eq!(hosts, Ok((30 - 6 - 2, 11)), "{split:?}");
    }
}

#[test]
fn workers_stop_where_one_thread_stops() {
    let bytes = generated(12, 10);
    for stop_at in [0, 1, 9, 10, 11, 55, 119] {
        let one = run(&bytes, Hosts::InOrder, Some(stop_at));
        assert!(one.1.is_some(), "stop at {stop_at}: no error");
        for split in SPLIT {
            let two = run(&bytes, split, Some(stop_at));
            assert_eq!(one, two, "stop at {stop_at}, {split:?}");
        }
    }
}

/// A small random number generator, so that the cases are the same every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

#[test]
fn workers_agree_with_one_thread_on_broken_reports() {
    let mut rng = Lcg(7);
    let base = generated(10, 6);
    let samples = [sample("nessus_v_unknown.xml"), base.clone()];
    let edits: [&[u8]; 12] = [
        b"<",
        b">",
        b"\"",
        b"'",
        b"</a>",
        b"<a>",
        b"<!--",
        b"]]>",
        b"&bogus;",
        b"<!DOCTYPE x [<!ENTITY e \"x\">]>",
        b"\n",
        b"",
    ];
    let mut errors = 0;
    for (k, bytes) in samples.iter().enumerate() {
        for case in 0..150 {
            let mut b = bytes.clone();
            let at = rng.below(b.len());
            match case % 3 {
                0 => b.truncate(at),
                1 => {
                    let edit = edits[rng.below(edits.len())];
                    b.splice(at..at, edit.iter().copied());
                }
                _ => {
                    let edit = edits[rng.below(edits.len())];
                    let end = (at + 1).min(b.len());
                    b.splice(at..end, edit.iter().copied());
                }
            }
            same(&b, &format!("input {k}, case {case}, at {at}"));
            errors += usize::from(run(&b, Hosts::Split(2), None).1.is_some());
        }
    }
    // Most edits break the report: the errors were compared, not only findings.
    assert!(errors > 100, "only {errors} broken reports");
}
