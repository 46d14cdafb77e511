//! Numbers on their way through Go: the type YAML 1.1 gives a JSON number, Go's `%g` text for a
//! float in YAML, and the JSON value an object ends with (kustomize re-reads the substituted JSON
//! into `float64`, so every number comes out as a float64's value).

use super::Yaml;

/// The type go-yaml v2 gives the JSON text Go writes for `n`.
pub fn from_json(n: &serde_json::Number) -> Yaml {
    if let Some(i) = n.as_i64() {
        return Yaml::Int(i);
    }
    if let Some(u) = n.as_u64() {
        return Yaml::Uint(u);
    }
    let x = n.as_f64().unwrap_or(f64::NAN);
    // Go's JSON writes an integral float below 1e21 as digits, which YAML 1.1 reads as an int.
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if x.fract() == 0.0 && x.abs() < 1e21 {
        if (-TWO_63..TWO_63).contains(&x) {
            return Yaml::Int(x as i64);
        }
        if (0.0..2.0 * TWO_63).contains(&x) {
            return Yaml::Uint(x as u64);
        }
    }
    Yaml::Float(x)
}

/// The shortest digits of `x` and the position of the decimal point (`0.0123` is `("123", -1)`).
fn shortest_digits(x: f64) -> (String, i32) {
    let e = format!("{:e}", x.abs());
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    (digits, exp.parse::<i32>().unwrap_or(0) + 1)
}

/// `strconv.FormatFloat(x, 'g', -1, 64)`, with YAML's names for the infinities and NaN.
pub fn format_g(x: f64) -> String {
    if x.is_nan() {
        return ".nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x == 0.0 {
        return format!("{sign}0");
    }
    let (digits, dp) = shortest_digits(x);
    let exp = dp - 1;
    // Go switches to an exponent below 1e-4 and from 1e6 on when asked for the shortest form.
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{dot}{rest}e{esign}{:02}", exp.abs());
    }
    if dp <= 0 {
        return format!("{sign}0.{}{digits}", "0".repeat(dp.unsigned_abs() as usize));
    }
    let dp = dp as usize;
    if digits.len() <= dp {
        format!("{sign}{digits}{}", "0".repeat(dp - digits.len()))
    } else {
        format!("{sign}{}.{}", &digits[..dp], &digits[dp..])
    }
}

/// A number of the final object: the JSON value of the float64 it becomes.
pub fn final_json(x: f64) -> Option<serde_json::Value> {
    if !x.is_finite() {
        return None;
    }
    if x.fract() == 0.0 && x.abs() < 1e21 {
        // Go writes these as plain digits, which read back as an integer when one fits.
        return serde_json::from_str(&format!("{x}")).ok();
    }
    serde_json::Number::from_f64(x).map(serde_json::Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_g_format() {
        for (x, text) in [
            (1.5, "1.5"),
            (1000.0, "1000"),
            (100000.0, "100000"),
            (1e6, "1e+06"),
            (1234567.5, "1.2345675e+06"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.5e-10, "-2.5e-10"),
            (1e21, "1e+21"),
            (1e100, "1e+100"),
            (0.1, "0.1"),
        ] {
            assert_eq!(format_g(x), text, "{x}");
        }
    }

    #[test]
    fn json_numbers_take_yaml_types() {
        let n = |s: &str| serde_json::from_str::<serde_json::Number>(s).unwrap();
        assert_eq!(from_json(&n("3")), Yaml::Int(3));
        assert_eq!(from_json(&n("1.0")), Yaml::Int(1));
        assert_eq!(from_json(&n("1e3")), Yaml::Int(1000));
        assert_eq!(from_json(&n("18446744073709551615")), Yaml::Uint(u64::MAX));
        assert_eq!(from_json(&n("1.5")), Yaml::Float(1.5));
        assert_eq!(from_json(&n("1e21")), Yaml::Float(1e21));
    }

    #[test]
    fn final_numbers_are_float64_values() {
        assert_eq!(final_json(1000.0), Some(serde_json::json!(1000)));
        assert_eq!(final_json(1.5), Some(serde_json::json!(1.5)));
        assert_eq!(
            final_json(9_007_199_254_740_993_u64 as f64),
            Some(serde_json::json!(9_007_199_254_740_992_u64)),
            "integers past 2^53 lose precision"
        );
        assert_eq!(final_json(f64::NAN), None);
    }
}
