//! iCalendar (RFC 5545) output: one all-day event per deadline, with the
//! escaping and 75-octet line folding calendar applications expect.
use chrono::{DateTime, NaiveDate, Utc};

/// One deadline in the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub on: NaiveDate,
    /// Stable across feeds, so that calendar applications update rather than duplicate.
    pub uid: String,
    pub summary: String,
    pub description: String,
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` folded at 75 octets, never inside a UTF-8 character, CRLF-terminated.
fn push_folded(out: &mut String, line: &str) {
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
}

/// The whole calendar named `name`, stamped `now`.
pub fn calendar(name: &str, deadlines: &[Deadline], now: DateTime<Utc>) -> String {
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Zilv//Deadlines//ZH-TW",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        push_folded(&mut out, l);
    }
    push_folded(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    for d in deadlines {
        push_folded(&mut out, "BEGIN:VEVENT");
        push_folded(&mut out, &format!("UID:{}", escape(&d.uid)));
        push_folded(&mut out, &format!("DTSTAMP:{stamp}"));
        push_folded(
            &mut out,
            &format!("DTSTART;VALUE=DATE:{}", d.on.format("%Y%m%d")),
        );
        if let Some(next) = d.on.succ_opt() {
            push_folded(
                &mut out,
                &format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")),
            );
        }
        push_folded(&mut out, &format!("SUMMARY:{}", escape(&d.summary)));
        if !d.description.is_empty() {
            push_folded(&mut out, &format!("DESCRIPTION:{}", escape(&d.description)));
        }
        push_folded(&mut out, "TRANSP:TRANSPARENT");
        push_folded(&mut out, "END:VEVENT");
    }
    push_folded(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn events_are_escaped_and_long_lines_folded_on_character_boundaries() {
        let d = Deadline {
            on: NaiveDate::from_ymd_opt(2027, 1, 15).unwrap(),
            uid: "system-CORE@acme".into(),
            summary: "評估到期：核心保單系統, 等級 1; EVAL-3.1".into(),
            description: "第一行\n".to_string() + &"長".repeat(60),
        };
        let cal = calendar(
            "ACME",
            &[d],
            Utc.with_ymd_and_hms(2026, 11, 28, 0, 0, 0).unwrap(),
        );
        assert!(cal.contains("DTSTART;VALUE=DATE:20270115\r\n"));
        assert!(cal.contains("DTEND;VALUE=DATE:20270116\r\n"));
        assert!(cal.contains("核心保單系統\\, 等級 1\\; EVAL-3.1"));
        assert!(cal.contains("DESCRIPTION:第一行\\n"));
        for line in cal.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        // Unfolding gives back the description.
        let unfolded = cal.replace("\r\n ", "");
        assert!(unfolded.contains(&"長".repeat(60)));
        assert!(cal.ends_with("END:VCALENDAR\r\n"));
    }
}
