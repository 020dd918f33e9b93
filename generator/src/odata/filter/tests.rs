use super::*;

fn p(text: &str) -> Expr {
    match parse(text) {
        Ok(e) => e,
        Err(e) => panic!("{text}: {e}"),
    }
}

fn err(text: &str) -> ParseError {
    match parse(text) {
        Ok(e) => panic!("{text} parsed as {e:?}"),
        Err(e) => e,
    }
}

fn name(n: &str) -> Expr {
    Expr::Path(Path {
        segments: vec![Segment::Name(n.to_string())],
    })
}

fn int(n: &str) -> Expr {
    Expr::Literal(Literal::Number {
        text: n.to_string(),
        integral: true,
    })
}

fn cmp(op: CompareOp, l: Expr, r: Expr) -> Expr {
    Expr::Compare {
        op,
        left: Box::new(l),
        right: Box::new(r),
    }
}

#[test]
fn and_binds_tighter_than_or_and_comparisons_tighter_than_and() {
    let e = p("a eq 1 or b eq 2 and c eq 3");
    let want = Expr::Or(
        Box::new(cmp(CompareOp::Eq, name("a"), int("1"))),
        Box::new(Expr::And(
            Box::new(cmp(CompareOp::Eq, name("b"), int("2"))),
            Box::new(cmp(CompareOp::Eq, name("c"), int("3"))),
        )),
    );
    assert_eq!(e, want);
    assert_eq!(e.to_string(), "a eq 1 or b eq 2 and c eq 3");
    let grouped = p("(a eq 1 OR b eq 2) AND c eq 3");
    assert!(matches!(&grouped, Expr::And(l, _) if matches!(**l, Expr::Or(..))));
    assert_eq!(grouped.to_string(), "(a eq 1 or b eq 2) and c eq 3");
}

#[test]
fn not_binds_tighter_than_a_comparison() {
    // As OData's precedence table says: `not a eq b` is `(not a) eq b`.
    let e = p("not a eq true");
    assert_eq!(
        e,
        cmp(
            CompareOp::Eq,
            Expr::Not(Box::new(name("a"))),
            Expr::Literal(Literal::Bool(true))
        )
    );
    let e = p("NOT(startsWith(displayName,'a')) and x ne null");
    assert!(matches!(&e, Expr::And(l, _) if matches!(**l, Expr::Not(_))));
    let e = p("not endswith(mail,'@contoso.com')");
    assert!(matches!(&e, Expr::Not(inner) if matches!(**inner, Expr::Call { .. })));
}

#[test]
fn arithmetic_binds_tighter_than_comparisons() {
    let e = p("a add 1 mul 2 gt 5");
    assert_eq!(e.to_string(), "a add 1 mul 2 gt 5");
    let Expr::Compare { left, .. } = e else {
        panic!()
    };
    assert!(matches!(
        *left,
        Expr::Arithmetic {
            op: ArithmeticOp::Add,
            ..
        }
    ));
    assert_eq!(p("-a eq -5").to_string(), "-a eq -5");
}

#[test]
fn strings_double_their_quotes() {
    assert_eq!(
        p("displayName eq 'O''Neil'"),
        cmp(
            CompareOp::Eq,
            name("displayName"),
            Expr::Literal(Literal::String("O'Neil".into()))
        )
    );
    assert_eq!(p("a eq ''''").to_string(), "a eq ''''");
    assert_eq!(
        p("a eq ''"),
        cmp(
            CompareOp::Eq,
            name("a"),
            Expr::Literal(Literal::String(String::new()))
        )
    );
    assert_eq!(p("a eq 'ünïcödé ✓'").to_string(), "a eq 'ünïcödé ✓'");
}

#[test]
fn literals_of_every_kind() {
    let lit = |text: &str| match p(&format!("x eq {text}")) {
        Expr::Compare { right, .. } => match *right {
            Expr::Literal(l) => l,
            other => panic!("{text}: {other:?}"),
        },
        other => panic!("{text}: {other:?}"),
    };
    assert_eq!(lit("true"), Literal::Bool(true));
    assert_eq!(lit("False"), Literal::Bool(false));
    assert_eq!(lit("null"), Literal::Null);
    assert_eq!(
        lit("-12"),
        Literal::Number {
            text: "-12".into(),
            integral: true
        }
    );
    assert_eq!(
        lit("1.5e3"),
        Literal::Number {
            text: "1.5e3".into(),
            integral: false
        }
    );
    assert_eq!(
        lit("8e881353-1735-45af-af21-ee1344582a4d"),
        Literal::Guid("8e881353-1735-45af-af21-ee1344582a4d".into())
    );
    assert_eq!(
        lit("b9cf8971-7d55-4b73-9ffa-a584611b600b"),
        Literal::Guid("b9cf8971-7d55-4b73-9ffa-a584611b600b".into())
    );
    assert_eq!(
        lit("2019-03-11T00:00:00.000Z"),
        Literal::DateTime("2019-03-11T00:00:00.000Z".into())
    );
    assert_eq!(
        lit("2019-03-11T08:00-07:00"),
        Literal::DateTime("2019-03-11T08:00-07:00".into())
    );
    assert_eq!(lit("2021-01-01"), Literal::Date("2021-01-01".into()));
    assert_eq!(lit("13:30:00"), Literal::TimeOfDay("13:30:00".into()));
    assert_eq!(
        lit("duration'P1D'"),
        Literal::Typed {
            prefix: "duration".into(),
            text: "P1D".into()
        }
    );
    assert_eq!(
        lit("microsoft.graph.riskLevel'high'"),
        Literal::Enum {
            ty: "microsoft.graph.riskLevel".into(),
            member: "high".into()
        }
    );
}

#[test]
fn functions_in_any_case_with_arguments() {
    for text in [
        "startswith(displayName,'a')",
        "startsWith(displayName, 'a')",
        "STARTSWITH (displayName , 'a')",
    ] {
        let Expr::Call { name: n, args } = p(text) else {
            panic!("{text}")
        };
        assert!(n.eq_ignore_ascii_case("startswith"));
        assert_eq!(args.len(), 2);
        assert_eq!(args[0], name("displayName"));
    }
    let Expr::Call { args, .. } = p("now()") else {
        panic!()
    };
    assert!(args.is_empty());
    assert!(matches!(
        p("cast(ep/value, Edm.Guid) eq (b9cf8971-7d55-4b73-9ffa-a584611b600b)"),
        Expr::Compare { .. }
    ));
}

#[test]
fn lambdas_casts_and_counts() {
    let e = p("assignedLicenses/any(x:x/skuId eq 184efa21-98c3-4e5d-95ab-d07053a96e67)");
    let Expr::Lambda {
        path,
        quantifier,
        variable,
        body,
    } = e
    else {
        panic!()
    };
    assert_eq!(path.segments, [Segment::Name("assignedLicenses".into())]);
    assert_eq!(quantifier, Quantifier::Any);
    assert_eq!(variable.as_deref(), Some("x"));
    let Some(body) = body else { panic!() };
    assert!(matches!(*body, Expr::Compare { .. }));

    let e = p("singleValueExtendedProperties/Any(ep: ep/id eq 'a' and contains(ep/value, 'b'))");
    assert!(matches!(
        e,
        Expr::Lambda {
            quantifier: Quantifier::Any,
            ..
        }
    ));
    let e = p("groupTypes/all(c:c eq 'Unified')");
    assert!(matches!(
        e,
        Expr::Lambda {
            quantifier: Quantifier::All,
            ..
        }
    ));
    let e = p("members/any()");
    assert!(matches!(
        e,
        Expr::Lambda {
            variable: None,
            body: None,
            ..
        }
    ));
    // Nested lambdas.
    let e = p("a/any(x: x/b/any(y: y eq 1))");
    assert_eq!(e.to_string(), "a/any(x:x/b/any(y:y eq 1))");

    let e = p("microsoft.graph.aadUserConversationMember/userId eq 'x'");
    let Expr::Compare { left, .. } = e else {
        panic!()
    };
    assert_eq!(
        *left,
        Expr::Path(Path {
            segments: vec![
                Segment::Cast("microsoft.graph.aadUserConversationMember".into()),
                Segment::Name("userId".into())
            ]
        })
    );
    let e = p("assignedLicenses/$count eq 0");
    let Expr::Compare { left, .. } = e else {
        panic!()
    };
    assert_eq!(
        *left,
        Expr::Path(Path {
            segments: vec![Segment::Name("assignedLicenses".into()), Segment::Count]
        })
    );
}

#[test]
fn in_lists() {
    let Expr::In { left, values } = p("userType in ('Guest', 'Member')") else {
        panic!()
    };
    assert_eq!(*left, name("userType"));
    assert_eq!(values.len(), 2);
    assert!(parse("a in ()").is_err());
    assert!(parse("a in 'x'").is_err());
    assert_eq!(p("a in ['x']").to_string(), "a in ('x')");
}

#[test]
fn malformed_filters_are_errors_with_a_reason() {
    for text in [
        "",
        "   ",
        "a eq",
        "eq 1",
        "(a eq 1",
        "a eq 1)",
        "a eq 'unclosed",
        "a eq \"double\"",
        "a eq 1 1",
        "a eq 2021-01-01T00:00:00",
        "a eq 2021-01-01T00:00:00 08:00",
        "startswith(a,'b'",
        "a/any(x x eq 1)",
        "a/any(: x eq 1)",
        "a eq @p",
        "a eq 12abc",
        "a eq foo'bar'",
        "a eq 1 and",
        "a/ eq 1",
        "a in (1,",
    ] {
        let e = err(text);
        assert_eq!(e.kind, ErrorKind::Syntax, "{text}: {e}");
        assert!(!e.message.is_empty());
        assert!(e.at <= text.len(), "{text}: {e}");
    }
    let e = err("{property} eq '{property-value}'");
    assert_eq!(e.kind, ErrorKind::Placeholder);
    assert!(e.message.contains("{property}"), "{e}");
    assert_eq!(err("id eq {id}").kind, ErrorKind::Placeholder);
    let deep = format!("{}a eq 1{}", "(".repeat(1000), ")".repeat(1000));
    assert_eq!(err(&deep).kind, ErrorKind::TooDeep);
    let deep_not = format!("{}a", "not ".repeat(1000));
    assert_eq!(err(&deep_not).kind, ErrorKind::TooDeep);
}

#[test]
fn paths_for_select_orderby_and_expand() {
    assert_eq!(
        parse_path("microsoft.graph.group/displayName")
            .map(|p| p.segments)
            .ok(),
        Some(vec![
            Segment::Cast("microsoft.graph.group".into()),
            Segment::Name("displayName".into())
        ])
    );
    assert!(parse_path("start/dateTime").is_ok());
    assert!(parse_path("a b").is_err());
    assert!(parse_path("").is_err());
    assert!(parse_path("a/any(x:x eq 1)").is_err());
    assert_eq!(
        parse_path("{id}").map_err(|e| e.kind),
        Err(ErrorKind::Placeholder)
    );
}

/// Filters as the docs write them, for the round trip and the mutation loop.
const SAMPLES: [&str; 14] = [
    "startswith(displayName,'a')",
    "groupTypes/any(c:c eq 'Unified')",
    "singleValueExtendedProperties/Any(ep: ep/id eq 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color' and ep/value eq 'Green')",
    "sharedShift/startDateTime ge 2019-03-11T00:00:00.000Z and sharedShift/endDateTime le 2019-03-18T00:00:00.000Z",
    "(microsoft.graph.aadUserConversationMember/displayName eq 'Harry Johnson' or microsoft.graph.aadUserConversationMember/email eq 'admin@M365x987948.OnMicrosoft.com')",
    "resourceId eq 8e881353-1735-45af-af21-ee1344582a4d",
    "assignedLicenses/any(x:x/skuId eq 184efa21-98c3-4e5d-95ab-d07053a96e67) and not(userType in ('Guest'))",
    "NOT(endsWith(mail,'@contoso.com')) or mail eq null",
    "assignedLicenses/$count eq 0 and accountEnabled eq true",
    "riskLevel eq microsoft.graph.riskLevel'high' or riskLevel ne 'low'",
    "emailAddresses/any(a:a/address eq 'garth@contoso.com')",
    "price add 5 gt 10.5 and not isRead",
    "cast(ep/value, Edm.Int32) eq 12",
    "a/all(x: x/b/any(y: y eq 'O''Neil'))",
];

#[test]
fn the_canonical_text_reads_back_as_the_same_tree() {
    for text in SAMPLES {
        let e = p(text);
        let again = p(&e.to_string());
        assert_eq!(e, again, "{text} → {e}");
    }
}

#[test]
fn mutated_filters_never_panic() {
    let mut rng = fastrand::Rng::with_seed(25);
    let alphabet: Vec<char> = "()',/:{}$@-+. eqandornotany0123456789xyzé✓\"[]"
        .chars()
        .collect();
    for _ in 0..20_000 {
        let base = SAMPLES[rng.usize(..SAMPLES.len())];
        let mut chars: Vec<char> = base.chars().collect();
        for _ in 0..rng.usize(1..6) {
            let at = rng.usize(..=chars.len());
            match rng.u8(..3) {
                0 if at < chars.len() => {
                    chars.remove(at);
                }
                1 if at < chars.len() => chars[at] = alphabet[rng.usize(..alphabet.len())],
                _ => chars.insert(at, alphabet[rng.usize(..alphabet.len())]),
            }
        }
        let text: String = chars.into_iter().collect();
        if let Ok(e) = parse(&text) {
            // What parses prints as text that parses to the same tree.
            assert_eq!(parse(&e.to_string()).as_ref(), Ok(&e), "{text}");
        }
        let _ = parse_path(&text);
        let _ = crate::odata::query::parse_target(&format!("/x?$filter={text}&$expand={text}"));
    }
}
