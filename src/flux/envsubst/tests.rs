//! Each rule of Flux's substitution, as a table: (variables, input, expected output).

use std::collections::BTreeMap;

use super::{EnvsubstVersion, Limits, Options, SubstError, eval, substitute, variables};

fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Variables, input, expected output.
type Case = (
    &'static [(&'static str, &'static str)],
    &'static str,
    &'static str,
);

const CASES: &[Case] = &[
    (&[], "no variables at all", "no variables at all"),
    (&[("v", "abcdEFGH28ij")], "${v}", "abcdEFGH28ij"),
    (&[("v", "x")], "a-${v}-b ${v}", "a-x-b x"),
    (&[("v", "abcdEFGH28ij")], "${#v}", "12"),
    (&[("v", "abcdEFGH28ij")], "${v^}", "AbcdEFGH28ij"),
    (&[("v", "abcdEFGH28ij")], "${v^^}", "ABCDEFGH28IJ"),
    (&[("v", "ABCDEFGH28IJ")], "${v,}", "aBCDEFGH28IJ"),
    (&[("v", "ABCDEFGH28IJ")], "${v,,}", "abcdefgh28ij"),
    (
        &[("p", "/home/bozo/ideas/thoughts.for.today")],
        "${p:11}",
        "ideas/thoughts.for.today",
    ),
    (
        &[("p", "/home/bozo/ideas/thoughts.for.today")],
        "${p:11:5}",
        "ideas",
    ),
    // `:-` is the default operator, so a negative offset cannot be written right after the colon.
    (&[("p", "abcdef")], "${p:-2}", "abcdef"),
    (&[("p", "abcdef")], "${p:4}", "ef"),
    (&[("p", "abcdef")], "${p:10}", ""),
    (&[("p", "abcdef")], "${p:x}", "abcdef"),
    (&[("v", "abc")], "${v=xyz}", "abc"),
    (&[], "${v=xyz}", "xyz"),
    (&[], "${v:=xyz}", "xyz"),
    (&[], "${v:-xyz}", "xyz"),
    // Flux's defaults also replace an empty value, unlike a shell's `=`, and `:+`/`:?` are
    // defaults too.
    (&[("v", "")], "${v=xyz}", "xyz"),
    (&[("v", "")], "${v:+xyz}", "xyz"),
    (&[("v", "abc")], "${v:+xyz}", "abc"),
    (&[], "${v:?xyz}", "xyz"),
    (&[("d", "foo")], "something ${v=${d}}", "something foo"),
    (
        &[("d", "foo1")],
        "foo: ${v=prefix${d}-suffix}",
        "foo: prefixfoo1-suffix",
    ),
    (
        &[("s", "abcABC123ABCabc")],
        "${s/abc/xyz}",
        "xyzABC123ABCabc",
    ),
    (
        &[("s", "abcABC123ABCabc")],
        "${s//abc/xyz}",
        "xyzABC123ABCxyz",
    ),
    (
        &[("s", "abcABC123ABCabc")],
        "${s/#abc/XYZ}",
        "XYZABC123ABCabc",
    ),
    (
        &[("s", "abcABC123ABCabc")],
        "${s/%abc/XYZ}",
        "abcABC123ABCXYZ",
    ),
    // A prefix or suffix replacement with an empty replacement is no replacement at all.
    (&[("s", "value")], "${s/#va/}", "value"),
    (&[("s", "value")], "${s/%ue/}", "value"),
    (&[("s", "value")], "${s/ue/}", "val"),
    (&[("s", "foo.bar")], "${s/./}", "foobar"),
    (&[("s", "foo/bar/baz")], r"${s//\//-}", "foo-bar-baz"),
    (&[("f", "bash.string.txt")], "${f#*.}", "string.txt"),
    (&[("f", "bash.string.txt")], "${f##*.}", "txt"),
    (&[("f", "bash.string.txt")], "${f%.*}", "bash.string"),
    (&[("f", "bash.string.txt")], "${f%%.*}", "bash"),
    (&[("f", "path/to/file")], "${f##*/}", "file"),
    (&[("f", "/path/to/file")], "${f#*/}", "path/to/file"),
    (&[("v", "abcdEFGH28ij")], "${w=${v^^}}", "ABCDEFGH28IJ"),
    // `$$` is a literal `$`, so `$${…}` is left for whatever reads the text next.
    (&[("v", "x")], "$${v}", "${v}"),
    (&[("v", "x")], "a ${v}$${v$${v}$v${v}", "a x${v${v}$vx"),
    (&[("d", "foo")], "$${v=${d}}", "${v=foo}"),
    (
        &[],
        "price: $5 and {{ $labels.job }}",
        "price: $5 and {{ $labels.job }}",
    ),
];

#[test]
fn every_documented_form() {
    for (pairs, input, expected) in CASES {
        let out = substitute(input, &vars(pairs), true);
        assert_eq!(out.as_deref(), Ok(*expected), "{input:?} with {pairs:?}");
    }
}

#[test]
fn strict_mode_fails_on_unset_variables_unless_a_default_covers_them() {
    for input in [
        "${missing}",
        "${#missing}",
        "${missing^^}",
        "${missing:0:2}",
        "${missing/a/b}",
        "${missing%x}",
    ] {
        assert_eq!(
            substitute(input, &vars(&[]), true),
            Err(SubstError::Unset("missing".into())),
            "{input}"
        );
    }
    for input in [
        "${missing:-x}",
        "${missing:=x}",
        "${missing=x}",
        "${missing:+x}",
        "${missing:?x}",
    ] {
        assert_eq!(
            substitute(input, &vars(&[]), true).as_deref(),
            Ok("x"),
            "{input}"
        );
    }
    assert_eq!(
        substitute("${v=${missing}}", &vars(&[]), true),
        Err(SubstError::Unset("missing".into())),
        "a default's own variables are read too"
    );
}

#[test]
fn without_strict_mode_unset_variables_become_empty() {
    assert_eq!(
        substitute("a${missing}b", &vars(&[]), false).as_deref(),
        Ok("ab")
    );
}

#[test]
fn unsupported_and_malformed_forms_are_errors() {
    for input in [
        "${v+x}",
        "${v-x}",
        "${v?x}",
        "${v",
        "${}",
        "${#}",
        "${v!}",
        "${v/abc}",
        "${v^x}",
        "${v/#/x}",
        "${v:}",
        "${v:é}",
        "${v#}",
        "${1Aÿ:é^/%B:?}",
    ] {
        assert!(
            matches!(
                substitute(input, &vars(&[("v", "a")]), true),
                Err(SubstError::Syntax(..))
            ),
            "{input} must be rejected"
        );
    }
}

#[test]
fn the_variables_a_text_reads() {
    let found = variables("${A} ${B:=x} $${C} ${D=${E}}").unwrap();
    assert_eq!(
        found,
        [
            ("A".to_string(), false),
            ("B".to_string(), true),
            ("D".to_string(), true),
            ("E".to_string(), false)
        ]
    );
}

#[test]
fn a_negative_substring_length_panics_as_in_go() {
    assert_eq!(
        substitute("${p:1:-1}", &vars(&[("p", "abcdef")]), true),
        Err(SubstError::Panic(
            "runtime error: slice bounds out of range [1:0]".into()
        ))
    );
    assert_eq!(
        substitute("${p:0:-1}", &vars(&[("p", "abcdef")]), true),
        Err(SubstError::Panic(
            "runtime error: slice bounds out of range [:-1]".into()
        ))
    );
    assert_eq!(
        substitute("${p:9:-1}", &vars(&[("p", "abcdef")]), true).as_deref(),
        Ok(""),
        "an offset past the end returns before slicing"
    );
}

#[test]
fn envsubst_1_5_only_fails_on_a_bare_unset_variable() {
    let opts = Options {
        strict: true,
        version: EnvsubstVersion::V1_5_0,
        ..Options::default()
    };
    assert_eq!(
        eval("[${#A}${A^^}]", &vars(&[]), &opts),
        Ok(b"[0]".to_vec())
    );
    assert_eq!(
        eval("${A}", &vars(&[]), &opts),
        Err(SubstError::Unset("A".into()))
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let depth = 13_000;
    let text = format!("{}x{}", "${A:=".repeat(depth), "}".repeat(depth));
    assert_eq!(
        substitute(&text, &vars(&[]), true),
        Err(SubstError::TooDeep(Limits::default().max_depth))
    );
    let ok = format!("{}x{}", "${A:=".repeat(60), "}".repeat(60));
    assert_eq!(substitute(&ok, &vars(&[]), true).as_deref(), Ok("x"));
}

#[test]
fn many_star_patterns_match_in_polynomial_time() {
    let value = "a".repeat(40);
    let text = format!("${{A#{}b}}|${{A%%{}}}", "*a".repeat(12), "*a".repeat(12));
    assert_eq!(
        substitute(&text, &vars(&[("A", &value)]), true).as_deref(),
        Ok(format!("{value}|").as_str()),
        "no prefix ends in b; the longest suffix of a's is the whole value"
    );
}

#[test]
fn output_growth_is_bounded() {
    let a = "a".repeat(1000);
    let text = format!("${{A//a/${{A//a/${{A//a/{a}}}}}}}");
    assert_eq!(
        substitute(&text, &vars(&[("A", &a)]), true),
        Err(SubstError::TooLarge(Limits::default().max_output))
    );
}

#[test]
fn syntax_errors_carry_fluxs_message() {
    let Err(SubstError::Syntax(text, why, at)) = substitute("${VM RETENTION}", &vars(&[]), true)
    else {
        panic!("must fail");
    };
    assert_eq!((text.as_str(), at), ("${VM RETENTION}", 0));
    assert!(
        why.starts_with("missing closing brace (Flux's parser stopped at"),
        "{why}"
    );
}

proptest::proptest! {
    #[test]
    fn a_text_without_a_dollar_parses_as_itself(text in "[^$]{0,40}") {
        let parsed = super::Template::parse(&text, &Limits::default());
        if let Some(plain) = super::Template::plain(&text) {
            proptest::prop_assert_eq!(Ok(plain), parsed);
        } else {
            proptest::prop_assert!(text.contains('\0'));
        }
    }

    #[test]
    fn a_plain_text_parses_as_itself(text in "[a${}\\\\ é\x00#:]{0,16}") {
        let parsed = super::Template::parse(&text, &Limits::default());
        if let Some(plain) = super::Template::plain(&text) {
            proptest::prop_assert_eq!(Ok(plain), parsed);
        }
    }
}

#[test]
fn a_text_that_substitutes_is_not_plain() {
    assert!(super::Template::plain("a ${b}").is_none());
    assert!(super::Template::plain("a $$ b").is_none());
    assert!(
        super::Template::plain("{{ $labels.job }} costs $5, {$}").is_some(),
        "a $ that opens nothing is text"
    );
    assert!(
        super::Template::plain("a\0b").is_none(),
        "Flux's scanner stops at NUL"
    );
    assert!(super::Template::plain("").is_some_and(|t| t.nodes.is_empty()));
}
