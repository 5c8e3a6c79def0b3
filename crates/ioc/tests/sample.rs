//! The real Zeek dns.log of the shared samples (53,615 records, gzip)
//! against indicators taken from it, checked against a naive count made
//! here line by line (EVAL-4.1.2.3).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::net::IpAddr;
use std::path::PathBuf;

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/samples/zeek/dns.log.gz"
);

/// An indicator as the naive scan sees it.
#[derive(Debug, Clone)]
enum Naive {
    Domain(String),
    Net(IpAddr, u8),
}

fn bits(a: IpAddr) -> (u128, u8) {
    match a {
        IpAddr::V4(v) => (u128::from(u32::from(v)), 32),
        IpAddr::V6(v) => (u128::from(v), 128),
    }
}

fn covers(net: IpAddr, len: u8, a: IpAddr) -> bool {
    let ((n, w), (x, wx)) = (bits(net), bits(a));
    if w != wx {
        return false;
    }
    let shift = u32::from(w - len);
    len == 0 || (n >> shift) == (x >> shift)
}

struct Line {
    host: String,
    names: Vec<String>,
    addrs: Vec<IpAddr>,
}

fn sample_lines() -> Vec<Line> {
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(SAMPLE).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let fields: Vec<&str> = text
        .lines()
        .find_map(|l| l.strip_prefix("#fields\t"))
        .unwrap()
        .split('\t')
        .collect();
    let col = |n: &str| fields.iter().position(|f| *f == n).unwrap();
    let (q, ans, orig, resp) = (
        col("query"),
        col("answers"),
        col("id.orig_h"),
        col("id.resp_h"),
    );
    let mut out = Vec::new();
    for l in text.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = l.split('\t').collect();
        let mut line = Line {
            host: f[orig].to_string(),
            names: Vec::new(),
            addrs: vec![f[orig].parse().unwrap(), f[resp].parse().unwrap()],
        };
        if f[q] != "-" && f[q] != "(empty)" {
            line.names.push(f[q].to_string());
        }
        if f[ans] != "-" && f[ans] != "(empty)" {
            for a in f[ans].split(',') {
                match a.parse::<IpAddr>() {
                    Ok(ip) => line.addrs.push(ip),
                    Err(_) => line.names.push(a.to_string()),
                }
            }
        }
        out.push(line);
    }
    out
}

/// For each line, the set of indicators it matches, computed the slow
/// obvious way: every name against every domain, every address against
/// every range keeping only the longest prefix.
fn naive_matches(lines: &[Line], inds: &[Naive]) -> Vec<BTreeSet<usize>> {
    lines
        .iter()
        .map(|line| {
            let mut hit = BTreeSet::new();
            for n in &line.names {
                let n = n.to_ascii_lowercase();
                let n = n.trim_end_matches('.');
                for (i, ind) in inds.iter().enumerate() {
                    if let Naive::Domain(d) = ind {
                        if n == d || n.ends_with(&format!(".{d}")) {
                            hit.insert(i);
                        }
                    }
                }
            }
            for a in &line.addrs {
                let covering: Vec<(usize, u8)> = inds
                    .iter()
                    .enumerate()
                    .filter_map(|(i, ind)| match ind {
                        Naive::Net(net, len) if covers(*net, *len, *a) => Some((i, *len)),
                        _ => None,
                    })
                    .collect();
                if let Some(best) = covering.iter().map(|c| c.1).max() {
                    hit.extend(covering.iter().filter(|c| c.1 == best).map(|c| c.0));
                }
            }
            hit
        })
        .collect()
}

#[test]
fn eval_4_1_2_3_sample_dns_log_hits_equal_a_naive_count() {
    let lines = sample_lines();
    assert!(lines.len() > 50_000, "{}", lines.len());

    // Indicators taken from the log itself.
    let queries: BTreeSet<String> = lines
        .iter()
        .flat_map(|l| l.names.first().cloned())
        .filter(|q| {
            q.contains('.')
                && q.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        })
        .collect();
    let queries: Vec<&String> = queries.iter().collect();
    let exact: Vec<String> = queries
        .iter()
        .step_by(queries.len() / 6)
        .take(6)
        .map(|q| q.to_string())
        .collect();
    let deep: Vec<&&String> = queries
        .iter()
        .filter(|q| q.matches('.').count() >= 2)
        .collect();
    let parents: Vec<String> = deep
        .iter()
        .step_by(deep.len() / 4)
        .take(4)
        .map(|q| q.split_once('.').unwrap().1.to_string())
        .collect();
    let answers: BTreeSet<IpAddr> = lines
        .iter()
        .flat_map(|l| l.addrs[2..].iter().copied())
        .collect();
    let v4: Vec<IpAddr> = answers.iter().copied().filter(IpAddr::is_ipv4).collect();
    let v6: Vec<IpAddr> = answers.iter().copied().filter(IpAddr::is_ipv6).collect();
    assert!(v4.len() > 20 && !v6.is_empty());
    let addresses = vec![v4[3], v4[v4.len() / 2], v6[0]];
    let nested = v4[v4.len() / 3];
    let o = match nested {
        IpAddr::V4(v) => v.octets(),
        IpAddr::V6(_) => unreachable!(),
    };
    let cidrs = vec![
        format!("{}.{}.0.0/16", o[0], o[1]),
        format!("{}.{}.{}.0/24", o[0], o[1], o[2]),
        match v4[v4.len() - 2] {
            IpAddr::V4(v) => format!("{}.{}.{}.0/24", v.octets()[0], v.octets()[1], v.octets()[2]),
            IpAddr::V6(_) => unreachable!(),
        },
        "10.47.0.0/16".to_string(),
    ];
    // Decoys: a name never queried, a name that ends like a queried one but
    // not at a label boundary, addresses and ranges never seen.
    let tail = parents[0].clone();
    let decoys = vec![
        "never-queried.decoy.example".to_string(),
        tail[1..].to_string(),
        "192.0.2.123".to_string(),
        "198.51.100.0/24".to_string(),
        "2001:db8::/32".to_string(),
    ];
    assert!(!queries
        .iter()
        .any(|q| q.as_str() == &tail[1..] || q.ends_with(&format!(".{}", &tail[1..]))));

    let all: Vec<String> = [
        &exact,
        &parents,
        &addresses.iter().map(ToString::to_string).collect(),
        &cidrs,
        &decoys,
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect();
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("from-sample.txt");
    std::fs::write(
        &list,
        format!("# built from the sample\n{}\n", all.join("\n")),
    )
    .unwrap();
    let set = zilv_ioc::load_indicators(&[list], None, common::now()).unwrap();
    assert_eq!(set.len(), all.len(), "{:?}", set.report());

    // The naive count.
    let naive_inds: Vec<Naive> = all
        .iter()
        .map(|v| match v.split_once('/') {
            Some((a, l)) => Naive::Net(a.parse().unwrap(), l.parse().unwrap()),
            None => match v.parse::<IpAddr>() {
                Ok(a) => Naive::Net(a, if a.is_ipv4() { 32 } else { 128 }),
                Err(_) => Naive::Domain(v.clone()),
            },
        })
        .collect();
    let naive = naive_matches(&lines, &naive_inds);
    let mut want_per: BTreeMap<String, u64> = BTreeMap::new();
    let mut want_pairs: BTreeMap<(String, String), u64> = BTreeMap::new();
    for (line, m) in lines.iter().zip(&naive) {
        for i in m {
            *want_per.entry(all[i.to_owned()].clone()).or_default() += 1;
            *want_pairs
                .entry((all[*i].clone(), line.host.clone()))
                .or_default() += 1;
        }
    }
    let want_total: u64 = want_per.values().sum();

    // The matcher.
    let mut got_per: BTreeMap<String, u64> = BTreeMap::new();
    let mut last_line = 0;
    let opts = zilv_ioc::ScanOptions {
        threads: 2,
        ..Default::default()
    };
    let out = zilv_ioc::scan(&[PathBuf::from(SAMPLE)], &set, &opts, &mut |h| {
        *got_per.entry(h.indicator.to_string()).or_default() += 1;
        assert!(h.log_line >= last_line, "hits in line order");
        last_line = h.log_line;
        Ok(())
    })
    .unwrap();
    let got_pairs: BTreeMap<(String, String), u64> = out
        .aggregates
        .iter()
        .map(|a| {
            (
                (
                    set.get(a.indicator).value.clone(),
                    a.internal_host.unwrap().to_string(),
                ),
                a.count,
            )
        })
        .collect();

    assert_eq!(out.summary.records, lines.len() as u64);
    assert_eq!(
        out.summary.malformed, 0,
        "{:?}",
        out.summary.malformed_examples
    );
    assert_eq!(out.summary.hits, want_total);
    assert_eq!(got_per, want_per);
    assert_eq!(got_pairs, want_pairs);
    // Small batches (many boundaries, header lines in their own batch)
    // give the same result.
    let small = zilv_ioc::ScanOptions {
        threads: 2,
        batch_bytes: 4096,
        ..Default::default()
    };
    let again = zilv_ioc::scan(&[PathBuf::from(SAMPLE)], &set, &small, &mut |_| Ok(())).unwrap();
    assert_eq!(again.aggregates, out.aggregates);
    assert_eq!(again.summary.records, out.summary.records);

    // Every kind of indicator taken from the log hit, and no decoy did.
    for v in exact.iter().chain(&parents).chain(&cidrs) {
        assert!(want_per.get(v).copied().unwrap_or(0) > 0, "{v} should hit");
    }
    for a in &addresses {
        assert!(
            want_per.get(&a.to_string()).copied().unwrap_or(0) > 0,
            "{a} should hit"
        );
    }
    for d in &decoys {
        assert_eq!(got_per.get(d), None, "decoy {d} hit");
    }
    // The /24 inside the /16 takes the addresses it covers.
    // Addresses in the /24 count for it alone, the rest of the /16 for the /16.
    assert!(want_per[&cidrs[0]] > 0 && want_per[&cidrs[1]] > 0);
    assert!(want_total > 1000, "{want_total}");
}
