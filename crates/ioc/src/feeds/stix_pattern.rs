//! The part of the STIX 2.1 patterning language that names plain
//! indicators: `[type:value = 'x']` comparisons of `domain-name`,
//! `ipv4-addr`, `ipv6-addr` and `url`, joined by `OR` inside or between
//! observation brackets. Anything else (AND, FOLLOWEDBY, qualifiers, other
//! operators or objects) is refused with a reason.

/// One value a pattern names, with its object type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Comparison {
    pub object: &'static str,
    pub value: String,
}

#[derive(Debug, PartialEq)]
enum Tok {
    Open(char),
    Close(char),
    Word(String),
    Op(String),
    Str(String),
}

fn tokens(p: &str) -> Result<Vec<Tok>, String> {
    let c: Vec<char> = p.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch == '[' || ch == '(' {
            out.push(Tok::Open(ch));
            i += 1;
        } else if ch == ']' || ch == ')' {
            out.push(Tok::Close(ch));
            i += 1;
        } else if ch == '\'' {
            let mut s = String::new();
            i += 1;
            loop {
                match c.get(i) {
                    None => return Err("unterminated string".into()),
                    Some('\\') => {
                        match c.get(i + 1) {
                            Some(e @ ('\\' | '\'')) => s.push(*e),
                            _ => return Err("bad escape in string (only \\\\ and \\')".into()),
                        }
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(x) => {
                        s.push(*x);
                        i += 1;
                    }
                }
            }
            out.push(Tok::Str(s));
        } else if "=!<>".contains(ch) {
            let mut op = String::from(ch);
            if c.get(i + 1) == Some(&'=') {
                op.push('=');
                i += 1;
            }
            out.push(Tok::Op(op));
            i += 1;
        } else {
            let mut w = String::new();
            while let Some(&x) = c.get(i) {
                if x.is_whitespace() || "=!<>()]".contains(x) || (x == '\'' && !w.ends_with('.')) {
                    break;
                }
                if x == '\'' && w.ends_with('.') {
                    // A quoted path step: `hashes.'SHA-256'`.
                    w.push(x);
                    i += 1;
                    while let Some(&y) = c.get(i) {
                        w.push(y);
                        i += 1;
                        if y == '\'' {
                            break;
                        }
                    }
                    continue;
                }
                if x == '[' {
                    // `list[*]` inside an object path.
                    while let Some(&y) = c.get(i) {
                        w.push(y);
                        i += 1;
                        if y == ']' {
                            break;
                        }
                    }
                    continue;
                }
                w.push(x);
                i += 1;
            }
            out.push(Tok::Word(w));
        }
    }
    Ok(out)
}

/// The comparisons of `pattern`, or why it is not supported.
pub(crate) fn parse(pattern: &str) -> Result<Vec<Comparison>, String> {
    let toks = tokens(pattern)?;
    let mut out = Vec::new();
    let mut in_obs = false;
    let mut parens = 0i32;
    // What may come next: an operand (comparison or bracket) or a connective.
    let mut want_operand = true;
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Open('[') if want_operand && !in_obs => in_obs = true,
            Tok::Open('(') if want_operand => parens += 1,
            Tok::Close(']') if in_obs && !want_operand => in_obs = false,
            Tok::Close(')') if parens > 0 && !want_operand && !in_obs => parens -= 1,
            Tok::Word(w) if !want_operand && w.eq_ignore_ascii_case("OR") => {
                want_operand = true;
                i += 1;
                continue;
            }
            Tok::Word(w) if !want_operand => {
                return Err(format!(
                    "{w} is not supported (only comparisons joined by OR)"
                ));
            }
            Tok::Word(path) if want_operand && in_obs => {
                let object = match path.as_str() {
                    "domain-name:value" => "domain-name",
                    "ipv4-addr:value" => "ipv4-addr",
                    "ipv6-addr:value" => "ipv6-addr",
                    "url:value" => "url",
                    other => return Err(format!("{other} is not a supported object path")),
                };
                match (toks.get(i + 1), toks.get(i + 2)) {
                    (Some(Tok::Op(op)), Some(Tok::Str(v))) if op == "=" => out.push(Comparison {
                        object,
                        value: v.clone(),
                    }),
                    (Some(Tok::Op(op)), _) if op != "=" => {
                        return Err(format!("operator {op} is not supported (only =)"))
                    }
                    (Some(Tok::Word(op)), _) => {
                        return Err(format!("operator {op} is not supported (only =)"))
                    }
                    _ => return Err(format!("{path} is not compared with a quoted string")),
                }
                i += 3;
                want_operand = false;
                continue;
            }
            t => return Err(format!("unexpected {}", describe(t))),
        }
        // Brackets: an opening one wants an operand next; a closing one ends one.
        want_operand = matches!(toks[i], Tok::Open(_));
        i += 1;
    }
    if in_obs || parens != 0 || want_operand {
        return Err("pattern ends early (unbalanced brackets or a trailing OR)".into());
    }
    if out.is_empty() {
        return Err("empty pattern".into());
    }
    Ok(out)
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Open(c) | Tok::Close(c) => format!("{c:?}"),
        Tok::Word(w) => format!("{w:?}"),
        Tok::Op(o) => format!("operator {o}"),
        Tok::Str(s) => format!("string '{s}'"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn or_inside_and_between_observations() {
        let c = parse("[domain-name:value = 'a.example' OR url:value = 'http://b.example/x'] OR ([ipv4-addr:value = '192.0.2.0/24'])").unwrap();
        let v: Vec<_> = c.iter().map(|c| (c.object, c.value.as_str())).collect();
        assert_eq!(
            v,
            [
                ("domain-name", "a.example"),
                ("url", "http://b.example/x"),
                ("ipv4-addr", "192.0.2.0/24")
            ]
        );
        assert_eq!(
            parse("[domain-name:value = 'it\\'s.example']").unwrap()[0].value,
            "it's.example"
        );
    }

    #[test]
    fn unsupported_patterns_say_why() {
        assert!(parse("[domain-name:value = 'a'] AND [url:value = 'b']")
            .unwrap_err()
            .contains("AND"));
        assert!(parse("[file:hashes.'SHA-256' = 'ab']")
            .unwrap_err()
            .contains("file:hashes"));
        assert!(parse("[domain-name:value LIKE '%.x']")
            .unwrap_err()
            .contains("LIKE"));
        assert!(parse("[domain-name:value = 'a'").is_err());
        assert!(parse("[domain-name:value = 'a'] OR").is_err());
        assert!(parse("[domain-name:value = 'a'] WITHIN 5 SECONDS").is_err());
    }
}
