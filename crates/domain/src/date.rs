//! Calendar arithmetic the rules use, and date parsing and display.
use chrono::{Datelike, Months, NaiveDate};

use crate::InvalidInput;

/// `date` plus `months` calendar months. A day that the target month lacks
/// falls back to that month's last day (31 Jan + 1 month = 28 or 29 Feb).
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    // Beyond chrono's range (year 262143) only; the rules' inputs are
    // parsed dates in years 1900..=9999, so saturate rather than fail.
    date.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// `date` plus `years` years; 29 February falls back to 28 February.
pub fn add_years(date: NaiveDate, years: u32) -> NaiveDate {
    add_months(date, years.saturating_mul(12))
}

/// Parses a `YYYY-MM-DD` date given for `field`, naming the field and the
/// value when it is not a real calendar date between 1900 and 9999.
pub fn parse_date(field: &str, value: &str) -> Result<NaiveDate, InvalidInput> {
    let date = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|e| {
        InvalidInput::new(
            field,
            format!("{value:?} is not a date of the form YYYY-MM-DD ({e})"),
        )
    })?;
    if !(1900..=9999).contains(&date.year()) {
        return Err(InvalidInput::new(
            field,
            format!("{value:?} is outside the years 1900-9999"),
        ));
    }
    Ok(date)
}

/// The date as users in Taiwan write it in the 民國 calendar, e.g. `民國113年2月29日`.
pub fn roc_date(date: NaiveDate) -> String {
    format!(
        "民國{}年{}月{}日",
        date.year() - 1911,
        date.month(),
        date.day()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn month_end_clamps() {
        assert_eq!(add_months(d("2025-01-31"), 1), d("2025-02-28"));
        assert_eq!(add_months(d("2024-01-31"), 1), d("2024-02-29"));
        assert_eq!(add_months(d("2025-08-31"), 3), d("2025-11-30"));
    }

    #[test]
    fn leap_day_plus_years() {
        assert_eq!(add_years(d("2024-02-29"), 1), d("2025-02-28"));
        assert_eq!(add_years(d("2024-02-29"), 4), d("2028-02-29"));
    }

    #[test]
    fn malformed_dates_name_field_and_value() {
        for bad in ["2025-02-30", "2025/01/01", "yesterday", "", "0001-01-01"] {
            let err = parse_date("--last-assessed", bad).unwrap_err();
            assert_eq!(err.field, "--last-assessed");
            assert!(err.message.contains(&format!("{bad:?}")), "{err}");
        }
        assert_eq!(parse_date("x", "2024-02-29").unwrap(), d("2024-02-29"));
    }

    #[test]
    fn roc_calendar() {
        assert_eq!(roc_date(d("2016-12-02")), "民國105年12月2日");
    }
}
