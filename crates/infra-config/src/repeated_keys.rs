//! Object constructors that repeat a key: infra-hcl parses them as Terraform does; these
//! tests show what the configuration makes of them (the last value wins, every value is
//! evaluated, a file's errors show its text).

pub(crate) use infra_hcl::parse;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::constant;
    use crate::Value;

    fn eval(text: &str) -> Result<Value, String> {
        let expr =
            parse(text, hcl_edit::parser::parse_expr).map_err(|e| e.message().to_string())?;
        constant(&expr).map_err(|d| format!("{}: {}", d.summary, d.detail))
    }

    fn object(pairs: &[(&str, Value)]) -> Value {
        Value::Map(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    #[test]
    fn the_last_of_a_repeated_key_wins() {
        assert_eq!(eval("{ a = 1, a = 2 }"), Ok(object(&[("a", Value::Number(2.0))])));
        assert_eq!(
            eval("{\n  a = 1\n  b = 3\n  a = 2\n  a = \"x\"\n}"),
            Ok(object(&[("a", Value::String("x".into())), ("b", Value::Number(3.0))]))
        );
        // Quoted, parenthesized and one-letter keys, and keys whose placeholders collide
        // with the keys around them.
        assert_eq!(
            eval("{ \"k\" = 1, \"k\" = 2, (\"k\") = 3 }"),
            Ok(object(&[("k", Value::Number(3.0))]))
        );
        assert_eq!(
            eval("{ \"k\" = 1, _ = 0, \"k\" = 2, (\"k\") = 3, (\"k\") = 4 }"),
            Ok(object(&[("_", Value::Number(0.0)), ("k", Value::Number(4.0))]))
        );
        assert_eq!(
            eval("{ ab = 1, _0 = 0, ab = 2, _1 = 1, ab = 3 }"),
            Ok(object(&[
                ("_0", Value::Number(0.0)),
                ("_1", Value::Number(1.0)),
                ("ab", Value::Number(3.0))
            ]))
        );
        // In a template's interpolation.
        assert_eq!(eval("\"port ${ { p = 1, p = 2 }.p }\""), Ok(Value::String("port 2".into())));
        // Nested, and inside the value of a repeated key.
        assert_eq!(
            eval("{ o = { x = 1, x = 2 }, o = { y = 1, y = [{ z = 1, z = 5 }] } }"),
            Ok(object(&[(
                "o",
                object(&[("y", Value::List(vec![object(&[("z", Value::Number(5.0))])]))])
            )]))
        );
    }

    #[test]
    fn every_value_is_still_evaluated() {
        // Terraform evaluates the value a later one replaces: its errors are errors.
        let error = eval("{ a = nosuch(1), a = 2 }").unwrap_err();
        assert!(error.contains("nosuch"), "{error}");
        // And its references count.
        let expr = parse("{ a = var.x, a = local.y }", hcl_edit::parser::parse_expr).unwrap();
        let refs: Vec<_> = crate::references::in_expr(&expr).into_iter().map(|r| r.kind).collect();
        assert_eq!(
            refs,
            vec![
                crate::references::RefKind::Var("x".into()),
                crate::references::RefKind::Local("y".into())
            ]
        );
    }

    #[test]
    fn a_files_errors_show_its_text() {
        let file = crate::source::SourceFile::new(
            "main.tf".into(),
            "main.tf".into(),
            "locals {\n  x = { port = 80, port = 81 }\n  y = { port = 80, port = 81 } +\n}\n"
                .into(),
        );
        let error = file.parse().unwrap_err();
        let location = error.location.clone().unwrap();
        assert_eq!(
            (location.line, location.snippet.as_str()),
            (3, "  y = { port = 80, port = 81 } +")
        );
        let file = crate::source::SourceFile::new(
            "main.tf".into(),
            "main.tf".into(),
            "locals {\n  x = { port = 80, port = 81, = }\n}\n".into(),
        );
        let error = file.parse().unwrap_err();
        let location = error.location.clone().unwrap();
        assert_eq!(
            (location.line, location.snippet.as_str()),
            (2, "  x = { port = 80, port = 81, = }")
        );
        assert!(file.parse().is_err());
    }
}
