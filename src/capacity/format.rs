//! Capacity figures as people read them: binary byte units, rates with thousands separators,
//! durations in hours or days, and sizes as Kubernetes quantities.

const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
const GI: f64 = 1024.0 * 1024.0 * 1024.0;

/// `2.44 TiB`, `50 GiB`, `161 GiB`: three significant digits at most, trailing zeros dropped.
pub fn bytes(n: f64) -> String {
    let mut value = n.abs();
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    let decimals = if value >= 100.0 || unit == 0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    let sign = if n < 0.0 { "-" } else { "" };
    format!("{sign}{text} {}", UNITS[unit])
}

/// `20,044`: whole samples per second, rounded down (the largest rate that still fits);
/// below 10, one decimal.
pub fn rate(r: f64) -> String {
    if r < 10.0 {
        let text = format!("{r:.1}");
        return text.trim_end_matches(".0").to_string();
    }
    thousands(r.floor() as u64)
}

pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `18.6 hours`, `25 days`.
pub fn duration(seconds: f64) -> String {
    let hours = seconds / 3600.0;
    if hours < 48.0 {
        format!("{hours:.1} hours")
    } else {
        format!("{:.0} days", hours / 24.0)
    }
}

/// A retention's length as written and in days, for messages: `30d`, `3 (93 days)`.
pub fn days(seconds: f64) -> String {
    let days = seconds / 86_400.0;
    if (days - days.round()).abs() < 1e-9 {
        format!("{days:.0}d")
    } else {
        format!("{days:.1}d")
    }
}

/// `49.9×`.
pub fn factor(f: f64) -> String {
    if f >= 100.0 {
        format!("{f:.0}×")
    } else {
        format!("{f:.1}×")
    }
}

/// The smallest whole number of GiB that is at least `n` bytes, as a quantity: `2495Gi`.
pub fn quantity_gi(n: f64) -> String {
    format!("{}Gi", (n / GI).ceil().max(1.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_figures() {
        assert_eq!(bytes(2_678_400_000_000.0), "2.44 TiB");
        assert_eq!(bytes(50.0 * GI), "50 GiB");
        assert_eq!(bytes(150.0 * GI), "150 GiB");
        assert_eq!(bytes(12.5 * GI), "12.5 GiB");
        assert_eq!(bytes(-2.0 * GI), "-2 GiB");
        assert_eq!(bytes(512.0), "512 B");
        assert_eq!(rate(20_044.47), "20,044");
        assert_eq!(rate(1e6), "1,000,000");
        assert_eq!(rate(0.5), "0.5");
        assert_eq!(rate(3.0), "3");
        assert_eq!(duration(67_108.9), "18.6 hours");
        assert_eq!(duration(30.0 * 86_400.0), "30 days");
        assert_eq!(days(93.0 * 86_400.0), "93d");
        assert_eq!(factor(49.89), "49.9×");
        assert_eq!(quantity_gi(2_678_400_000_000.0), "2495Gi");
        assert_eq!(quantity_gi(50.0 * GI), "50Gi");
    }
}
