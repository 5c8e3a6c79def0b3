//! The quick no-hit check against the full parse and match, on the shared
//! sample Zeek dns.log and on random mutations of its lines (EVAL-4.1.2.3).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::sync::Arc;

use super::{match_record, settle_misses, Seen};
use crate::indicator::{Indicator, Kind};
use crate::logs::{parse_line, Context, LogFormat, Outcome, Record, TsvHeader};
use crate::set::{Builder, IndicatorSet};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/samples/zeek/dns.log.gz"
);

fn sample() -> (TsvHeader, Vec<String>) {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(SAMPLE).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    header_and_lines(&text)
}

/// The header a log's `#` lines make, and its other lines.
fn header_and_lines(text: &str) -> (TsvHeader, Vec<String>) {
    let mut h = TsvHeader::default();
    let mut lines = Vec::new();
    for l in text.lines() {
        if l.starts_with('#') {
            h.directive(l).unwrap();
        } else {
            lines.push(l.to_string());
        }
    }
    (h, lines)
}

fn ind(kind: Kind, value: &str) -> Indicator {
    Indicator {
        kind,
        value: value.to_string(),
        source: "test".into(),
        description: String::new(),
        valid_from: None,
        valid_until: None,
        origin: String::new(),
    }
}

/// Indicators from every few lines' query (exact and parent) and answers
/// (addresses and /24 ranges); `single` adds a one-label domain.
fn indicators(lines: &[String], single: bool) -> IndicatorSet {
    let mut b = Builder::new(chrono::Utc::now());
    for (i, l) in lines.iter().enumerate() {
        let f: Vec<&str> = l.split('\t').collect();
        if f.len() < 22 {
            continue;
        }
        let q = f[9].to_ascii_lowercase();
        if i % 50 == 0 && q.contains('.') && crate::normalize::domain(&q).is_ok() {
            b.add(ind(Kind::Domain, &q));
        }
        if i % 71 == 0 {
            if let Some((_, parent)) = q.split_once('.') {
                if parent.contains('.') && crate::normalize::domain(parent).is_ok() {
                    b.add(ind(Kind::Domain, parent));
                }
            }
        }
        for a in f[21].split(',') {
            match crate::normalize::fast_ip(a) {
                Some(std::net::IpAddr::V4(v)) if i % 97 == 0 => {
                    let o = v.octets();
                    b.add(ind(Kind::Cidr, &format!("{}.{}.{}.0/24", o[0], o[1], o[2])));
                }
                Some(std::net::IpAddr::V4(v)) if i % 40 == 0 => {
                    b.add(ind(Kind::Ipv4, &v.to_string()))
                }
                Some(std::net::IpAddr::V6(v)) if i % 13 == 0 => {
                    b.add(ind(Kind::Ipv6, &v.to_string()))
                }
                _ => {}
            }
        }
    }
    if single {
        b.add(ind(Kind::Domain, "nosuchlabel"));
    }
    b.build()
}

/// One random edit of `line`: a byte that matters to the check (escape,
/// separators, dots, dashes, colons, digits, non-ASCII) put in, replacing
/// or removing a character, or a change of case.
fn mutate(line: &str, x: &mut u64) -> String {
    let mut next = || {
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        *x
    };
    let mut chars: Vec<char> = line.chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    let at = (next() % chars.len() as u64) as usize;
    let pool = [
        '\\', '\t', ',', '.', '-', ':', 'é', '0', '9', 'x', 'A', '-', '\r', ' ',
    ];
    let c = pool[(next() % pool.len() as u64) as usize];
    match next() % 5 {
        0 => chars[at] = c,
        1 => chars.insert(at, c),
        2 => {
            chars.remove(at);
        }
        3 => chars[at] = chars[at].to_ascii_uppercase(),
        _ => {
            for (k, s) in "xn--".chars().enumerate() {
                chars.insert(at + k, s);
            }
        }
    }
    chars.into_iter().collect()
}

/// The quick check of one line: true when it settles it as a miss.
/// `seen` serves one indicator set (lines share it, as a batch's do).
fn quick_miss_tsv(set: &IndicatorSet, h: &TsvHeader, line: &str, seen: &mut Seen) -> bool {
    settle_misses(set, h, line.as_bytes(), seen, |_, _, _| {}).0 == 1
}

fn check(set: &IndicatorSet, h: TsvHeader, lines: &[String]) {
    let ctx = Context::Tsv(Arc::new(h.clone()));
    let mut matched = Vec::new();
    let mut seen = Seen::default();
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let (mut quick, mut hits, mut mutated_quick, mut misses) = (0, 0, 0, 0);
    let mut agree = |line: &str, original: bool| {
        let mut rec = Record::default();
        let outcome = parse_line(&LogFormat::ZeekTsv, &ctx, line, &mut rec, set.has_urls());
        let full_miss = match outcome {
            Outcome::Record => {
                match_record(set, &rec, &mut matched);
                hits += usize::from(original && !matched.is_empty());
                matched.is_empty()
            }
            _ => false,
        };
        misses += usize::from(original && full_miss);
        if quick_miss_tsv(set, &h, line, &mut seen) {
            assert!(
                full_miss,
                "the quick check missed what the full parse finds: {line:?}"
            );
            quick += usize::from(original);
            mutated_quick += usize::from(!original);
        }
    };
    for l in lines {
        agree(l, true);
        for _ in 0..3 {
            let m = mutate(l, &mut x);
            agree(&m, false);
        }
    }
    // The check is not vacuous: most lines that miss take the quick way,
    // some lines hit.
    assert!(quick * 10 > misses * 9, "{quick} of {misses}");
    assert!(mutated_quick > quick, "{mutated_quick}");
    assert!(hits > 20, "{hits}");
}

#[test]
fn eval_4_1_2_3_quick_check_agrees_with_the_full_parse_on_the_sample_and_mutations() {
    let (h, lines) = sample();
    assert!(lines.len() > 50_000);
    let lines = &lines[..20_000];
    check(&indicators(lines, false), h.clone(), lines);
    check(&indicators(lines, true), h, lines);
}

/// The fixture logs of other kinds and headers (conn, http with host and
/// URI, a `|` separator with its own markers), with indicators made from
/// their values and random edits of every line: whatever the quick check
/// settles, the full parse finds nothing in.
#[test]
fn eval_4_1_2_3_quick_check_agrees_on_other_logs_and_headers() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/logs");
    let mut settled = 0;
    for name in ["conn.log", "http.log", "dns-pipe.log", "dns.log"] {
        let text = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
        let (h, lines) = header_and_lines(&text);
        for with_urls in [false, true] {
            // Indicators from every other line's values (addresses, names,
            // their parents), and a URL now and then.
            let mut b = Builder::new(chrono::Utc::now());
            for l in lines.iter().step_by(2) {
                for v in l.split(|c| c == char::from(h.separator) || c == ',' || c == ';') {
                    let v = v.trim_end_matches('.').to_ascii_lowercase();
                    if let Some(a) = crate::normalize::fast_ip(&v) {
                        let kind = if a.is_ipv4() { Kind::Ipv4 } else { Kind::Ipv6 };
                        b.add(ind(kind, &crate::normalize::addr_text(a)));
                    } else if v.matches('.').count() >= 2 && crate::normalize::domain(&v).is_ok() {
                        let parent = v.split_once('.').map_or(v.as_str(), |(_, p)| p);
                        b.add(ind(Kind::Domain, parent));
                    }
                }
            }
            if with_urls {
                b.add(ind(Kind::Url, "c2.example/gate.php"));
            }
            let set = b.build();
            let mut seen = Seen::default();
            let ctx = Context::Tsv(Arc::new(h.clone()));
            let mut x = 0x1234_5678_9abc_def1u64;
            let mut matched = Vec::new();
            for l in &lines {
                let mut variants = vec![l.clone()];
                variants.extend((0..40).map(|_| mutate(l, &mut x)));
                for v in &variants {
                    if !quick_miss_tsv(&set, &h, v, &mut seen) {
                        continue;
                    }
                    settled += 1;
                    let mut rec = Record::default();
                    let outcome =
                        parse_line(&LogFormat::ZeekTsv, &ctx, v, &mut rec, set.has_urls());
                    assert!(
                        matches!(outcome, Outcome::Record),
                        "{name}: settled a line the parser reads otherwise: {v:?}"
                    );
                    match_record(&set, &rec, &mut matched);
                    assert!(
                        matched.is_empty(),
                        "{name}: settled a line that hits: {v:?}"
                    );
                }
            }
        }
    }
    assert!(settled > 40, "{settled}");
}

/// A batch of many lines settles exactly the lines that settle alone, and
/// hands the others over whole and in order; among them lines with runs of
/// empty fields (many separators in one block) and random edits.
#[test]
fn eval_4_1_2_3_a_batch_settles_what_its_lines_settle_alone() {
    let (h, lines) = sample();
    let lines = &lines[..6000];
    let set = indicators(lines, false);
    let mut x = 0x0123_4567_89ab_cdefu64;
    let all: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| match i % 4 {
            // More separators than the ring of positions holds.
            0 if i % 500 == 0 => format!("{l}{}", "\t".repeat(300 + i % 7)),
            0 => format!("{l}{}", "\t".repeat(i % 45)),
            1 => mutate(l, &mut x),
            _ => l.clone(),
        })
        .collect();
    let mut seen = Seen::default();
    let alone: Vec<bool> = all
        .iter()
        .map(|l| quick_miss_tsv(&set, &h, l, &mut seen))
        .collect();
    let text = all.join("\n");
    let mut unsettled = Vec::new();
    let (settled, count) = settle_misses(&set, &h, text.as_bytes(), &mut seen, |i, a, b| {
        assert_eq!(&text.as_bytes()[a..b], all[i as usize].as_bytes());
        unsettled.push(i as usize);
    });
    assert_eq!(count, all.len() as u64);
    let want: Vec<usize> = (0..all.len()).filter(|i| !alone[*i]).collect();
    assert_eq!(unsettled, want);
    assert_eq!(settled as usize, all.len() - want.len());
    // Lines with many empty fields settle too, unless past the widest
    // the check takes.
    let wide = (0..all.len()).filter(|i| i % 4 == 0 && i % 45 > 30);
    assert!(wide.clone().any(|i| alone[i]) && wide.clone().any(|i| !alone[i]));
    check(&set, h, &all);
}

#[test]
fn eval_4_1_2_3_a_batch_settles_the_same_at_every_alignment() {
    // Lines starting and ending at every position of a 64-byte block,
    // a `--` among them that may straddle two blocks, the last line
    // without its end.
    let (h, lines) = sample();
    let mut lines: Vec<String> = lines[..60].to_vec();
    lines.push(lines[3].replacen('.', "--.", 1));
    lines.push(lines[5].replacen('.', "-.-", 1));
    let set = indicators(&lines, false);
    let mut seen = Seen::default();
    let alone: Vec<bool> = lines
        .iter()
        .map(|l| quick_miss_tsv(&set, &h, l, &mut seen))
        .collect();
    assert!(alone.iter().any(|a| *a) && alone.iter().any(|a| !*a));
    for pad in 0..=130 {
        let text = format!("{}\n{}", "x".repeat(pad), lines.join("\n"));
        let mut unsettled = Vec::new();
        let (_, count) = settle_misses(&set, &h, text.as_bytes(), &mut seen, |i, _, _| {
            unsettled.push(i as usize)
        });
        assert_eq!(count, lines.len() as u64 + 1, "pad {pad}");
        // The padding line has too few fields to settle.
        let want: Vec<usize> = std::iter::once(0)
            .chain((0..lines.len()).filter(|i| !alone[*i]).map(|i| i + 1))
            .collect();
        assert_eq!(unsettled, want, "pad {pad}");
    }
}
