//! `aws_iam_policy_document`: builds an IAM policy JSON document locally, byte for byte as the
//! Terraform AWS provider prints it (Go's `json.MarshalIndent` with two spaces, struct field
//! order, HTML-safe escapes, single-element lists collapsed to strings, and lists of more than
//! one element sorted in reverse as the provider does). No AWS call is made.
//!
//! Merge order, as the provider documents it: `source_json` (deprecated) is the base, then
//! `source_policy_documents` (unique Sids), then the `statement` blocks, then
//! `override_policy_documents`, then `override_json` (deprecated); a statement with a non-blank
//! Sid replaces the earlier one with the same Sid, the others are appended.

use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use crate::ec2_support::crc32;
use crate::lookup::{Lookup, LookupType};

/// JSON with the key order kept, so the output follows the provider's struct field order.
#[derive(Clone, Debug, PartialEq)]
enum Json {
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
    /// Anything else from a source document, printed as serde_json prints it.
    Other(serde_json::Value),
}

impl Json {
    fn from_serde(value: &serde_json::Value) -> Json {
        match value {
            serde_json::Value::String(text) => Json::String(text.clone()),
            serde_json::Value::Array(items) => {
                Json::Array(items.iter().map(Json::from_serde).collect())
            }
            serde_json::Value::Object(entries) => {
                // Go marshals maps with sorted keys.
                let mut pairs: Vec<(String, Json)> =
                    entries.iter().map(|(k, v)| (k.clone(), Json::from_serde(v))).collect();
                pairs.sort_by(|a, b| a.0.cmp(&b.0));
                Json::Object(pairs)
            }
            other => Json::Other(other.clone()),
        }
    }

    fn write(&self, out: &mut String, indent: Option<usize>) {
        let newline = |out: &mut String, depth: usize| {
            if indent.is_some() {
                out.push('\n');
                out.push_str(&"  ".repeat(depth));
            }
        };
        let depth = indent.unwrap_or(0);
        let inner = indent.map(|d| d + 1);
        match self {
            Json::String(text) => out.push_str(&go_string(text)),
            Json::Other(value) => out.push_str(&value.to_string()),
            Json::Array(items) if items.is_empty() => out.push_str("[]"),
            Json::Object(entries) if entries.is_empty() => out.push_str("{}"),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, depth + 1);
                    item.write(out, inner);
                }
                newline(out, depth);
                out.push(']');
            }
            Json::Object(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, depth + 1);
                    out.push_str(&go_string(key));
                    out.push(':');
                    if indent.is_some() {
                        out.push(' ');
                    }
                    value.write(out, inner);
                }
                newline(out, depth);
                out.push('}');
            }
        }
    }
}

/// A JSON string literal escaped as Go's encoder does (HTML-safe `<`, `>`, `&`).
fn go_string(text: &str) -> String {
    serde_json::Value::String(text.to_string())
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The provider's list rule: one element becomes a string, more are sorted in reverse.
fn string_or_list(mut items: Vec<String>) -> Json {
    if items.len() == 1 {
        return Json::String(items.remove(0));
    }
    items.sort_by(|a, b| b.cmp(a));
    Json::Array(items.into_iter().map(Json::String).collect())
}

/// `&{aws:username}` is how a policy variable is written without Terraform interpolating it.
fn replace_variables(text: &str) -> String {
    text.replace("&{", "${")
}

fn strings_of(value: &Value, name: &str) -> Vec<String> {
    value
        .get(name)
        .as_list()
        .unwrap_or(&[])
        .iter()
        .filter_map(|item| item.as_str().map(str::to_string))
        .collect()
}

/// A statement: its Sid (for merging) and its JSON in the provider's field order.
#[derive(Clone, Debug)]
struct Statement {
    sid: String,
    json: Json,
}

#[derive(Debug, Default)]
struct Document {
    version: String,
    id: String,
    statements: Vec<Statement>,
}

impl Document {
    /// The provider's `IAMPolicyDoc.Merge`: adopt the Id, upgrade the Version, replace
    /// statements with the same Sid and append the rest.
    fn merge(&mut self, other: Document) {
        if !other.id.is_empty() {
            self.id = other.id;
        }
        if other.version > self.version {
            self.version = other.version;
        }
        for statement in other.statements {
            match self
                .statements
                .iter_mut()
                .find(|existing| !statement.sid.is_empty() && existing.sid == statement.sid)
            {
                Some(existing) => *existing = statement,
                None => self.statements.push(statement),
            }
        }
    }

    fn to_json(&self) -> Json {
        let mut entries = Vec::new();
        if !self.version.is_empty() {
            entries.push(("Version".to_string(), Json::String(self.version.clone())));
        }
        if !self.id.is_empty() {
            entries.push(("Id".to_string(), Json::String(self.id.clone())));
        }
        entries.push((
            "Statement".to_string(),
            Json::Array(self.statements.iter().map(|s| s.json.clone()).collect()),
        ));
        Json::Object(entries)
    }

    /// Parses a source or override document as the provider unmarshals it.
    fn parse(text: &str, what: &str) -> Result<Document, ProviderError> {
        let parsed: serde_json::Value = serde_json::from_str(text).map_err(|error| {
            ProviderError::with_code(
                "InvalidPolicyDocument",
                format!("{what} is not valid JSON: {error}"),
            )
        })?;
        let field = |name: &str| {
            parsed.get(name).and_then(serde_json::Value::as_str).unwrap_or_default().to_string()
        };
        let statements = match parsed.get("Statement") {
            Some(serde_json::Value::Array(items)) => items.iter().map(parse_statement).collect(),
            Some(single @ serde_json::Value::Object(_)) => vec![parse_statement(single)],
            _ => Vec::new(),
        };
        Ok(Document { version: field("Version"), id: field("Id"), statements })
    }
}

/// A statement from a JSON document, re-emitted in the provider's field order. Principals
/// and conditions go through the provider's types: condition values become lists.
fn parse_statement(statement: &serde_json::Value) -> Statement {
    let sid =
        statement.get("Sid").and_then(serde_json::Value::as_str).unwrap_or_default().to_string();
    let mut entries = vec![("Sid".to_string(), Json::String(sid.clone()))];
    let effect = statement.get("Effect").and_then(serde_json::Value::as_str).unwrap_or_default();
    if !effect.is_empty() {
        entries.push(("Effect".to_string(), Json::String(effect.to_string())));
    }
    for key in ["Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal"] {
        if let Some(value) = statement.get(key).filter(|v| !v.is_null()) {
            entries.push((key.to_string(), Json::from_serde(value)));
        }
    }
    if let Some(serde_json::Value::Object(tests)) = statement.get("Condition") {
        let mut condition = Json::from_serde(&serde_json::Value::Object(tests.clone()));
        if let Json::Object(tests) = &mut condition {
            for (_, variables) in tests.iter_mut() {
                if let Json::Object(variables) = variables {
                    for (_, values) in variables.iter_mut() {
                        if let Json::String(single) = values {
                            *values = Json::Array(vec![Json::String(single.clone())]);
                        }
                    }
                }
            }
        }
        entries.push(("Condition".to_string(), condition));
    }
    Statement { sid, json: Json::Object(entries) }
}

/// Principals as the provider's `IAMPolicyStatementPrincipalSet` marshals them.
fn principals_json(blocks: &[Value]) -> Option<Json> {
    if blocks.is_empty() {
        return None;
    }
    let principals: Vec<(String, Vec<String>)> = blocks
        .iter()
        .map(|block| {
            let identifiers =
                strings_of(block, "identifiers").iter().map(|i| replace_variables(i)).collect();
            (block.get("type").as_str().unwrap_or_default().to_string(), identifiers)
        })
        .collect();
    if let [(kind, identifiers)] = principals.as_slice() {
        if kind == "*" && identifiers.as_slice() == ["*"] {
            return Some(Json::String("*".to_string()));
        }
    }
    let mut by_type: Vec<(String, Json)> = Vec::new();
    for (kind, identifiers) in principals {
        let value = string_or_list(identifiers);
        match by_type.iter_mut().find(|(existing, _)| *existing == kind) {
            None => by_type.push((kind, value)),
            Some((_, existing)) => {
                let mut merged = match std::mem::replace(existing, Json::Array(Vec::new())) {
                    Json::Array(items) => items,
                    other => vec![other],
                };
                match value {
                    Json::Array(items) => merged.extend(items),
                    other => merged.push(other),
                }
                *existing = Json::Array(merged);
            }
        }
    }
    by_type.sort_by(|a, b| a.0.cmp(&b.0));
    Some(Json::Object(by_type))
}

/// Conditions as `{test: {variable: values}}`, keys sorted; values keep their order.
fn conditions_json(blocks: &[Value]) -> Option<Json> {
    if blocks.is_empty() {
        return None;
    }
    let mut tests: std::collections::BTreeMap<String, std::collections::BTreeMap<String, Json>> =
        Default::default();
    for block in blocks {
        let test = block.get("test").as_str().unwrap_or_default().to_string();
        let variable = block.get("variable").as_str().unwrap_or_default().to_string();
        let values: Vec<String> =
            strings_of(block, "values").iter().map(|v| replace_variables(v)).collect();
        let entry = tests.entry(test).or_default();
        let value = if values.len() == 1 {
            Json::String(values[0].clone())
        } else {
            let mut merged = match entry.remove(&variable) {
                Some(Json::Array(items)) => items,
                _ => Vec::new(),
            };
            merged.extend(values.into_iter().map(Json::String));
            Json::Array(merged)
        };
        entry.insert(variable, value);
    }
    Some(Json::Object(
        tests
            .into_iter()
            .map(|(test, variables)| (test, Json::Object(variables.into_iter().collect())))
            .collect(),
    ))
}

fn statement_from_config(block: &Value) -> Statement {
    let sid = block.get("sid").as_str().unwrap_or_default().to_string();
    let mut entries = vec![("Sid".to_string(), Json::String(sid.clone()))];
    let effect = block.get("effect").as_str().unwrap_or("Allow");
    if !effect.is_empty() {
        entries.push(("Effect".to_string(), Json::String(effect.to_string())));
    }
    let mut list = |key: &str, name: &str, variables: bool| {
        let items: Vec<String> = strings_of(block, name)
            .into_iter()
            .map(|item| if variables { replace_variables(&item) } else { item })
            .collect();
        if !items.is_empty() {
            entries.push((key.to_string(), string_or_list(items)));
        }
    };
    list("Action", "actions", false);
    list("NotAction", "not_actions", false);
    list("Resource", "resources", true);
    list("NotResource", "not_resources", true);
    if let Some(principals) = principals_json(block.get("principals").as_list().unwrap_or(&[])) {
        entries.push(("Principal".to_string(), principals));
    }
    if let Some(principals) = principals_json(block.get("not_principals").as_list().unwrap_or(&[]))
    {
        entries.push(("NotPrincipal".to_string(), principals));
    }
    if let Some(conditions) = conditions_json(block.get("condition").as_list().unwrap_or(&[])) {
        entries.push(("Condition".to_string(), conditions));
    }
    Statement { sid, json: Json::Object(entries) }
}

/// Builds `(json, minified_json)` from a data source configuration.
pub(crate) fn render(config: &Value) -> Result<(String, String), ProviderError> {
    let mut merged = match config.get("source_json").as_str().filter(|t| !t.is_empty()) {
        Some(text) => Document::parse(text, "source_json")?,
        None => Document::default(),
    };
    for (index, text) in strings_of(config, "source_policy_documents").iter().enumerate() {
        let source = Document::parse(text, &format!("source_policy_documents[{index}]"))?;
        let mut seen = std::collections::BTreeSet::new();
        for statement in &source.statements {
            if !statement.sid.is_empty() && !seen.insert(statement.sid.clone()) {
                return Err(ProviderError::new(format!(
                    "duplicate Sid ({}) in source_policy_documents[{index}]: remove the Sid or make Sids unique",
                    statement.sid
                )));
            }
        }
        merged.merge(source);
    }
    let mut own = Document {
        version: config.get("version").as_str().unwrap_or("2012-10-17").to_string(),
        id: config.get("policy_id").as_str().unwrap_or_default().to_string(),
        statements: Vec::new(),
    };
    let mut sids = std::collections::BTreeSet::new();
    for (index, block) in config.get("statement").as_list().unwrap_or(&[]).iter().enumerate() {
        if !block.get("resources").is_null() && !block.get("not_resources").is_null() {
            return Err(ProviderError::new(format!(
                "statement[{index}]: \"resources\" conflicts with \"not_resources\": set only one"
            )));
        }
        let statement = statement_from_config(block);
        if !statement.sid.is_empty() && !sids.insert(statement.sid.clone()) {
            return Err(ProviderError::new(format!(
                "duplicate Sid ({}) in statement blocks: remove the Sid or make Sids unique",
                statement.sid
            )));
        }
        own.statements.push(statement);
    }
    merged.merge(own);
    for (index, text) in strings_of(config, "override_policy_documents").iter().enumerate() {
        merged.merge(Document::parse(text, &format!("override_policy_documents[{index}]"))?);
    }
    if let Some(text) = config.get("override_json").as_str().filter(|t| !t.is_empty()) {
        merged.merge(Document::parse(text, "override_json")?);
    }
    let document = merged.to_json();
    let mut pretty = String::new();
    document.write(&mut pretty, Some(0));
    let mut minified = String::new();
    document.write(&mut minified, None);
    Ok((pretty, minified))
}

/// Built locally, like the provider's: no AWS call.
pub type AwsIamPolicyDocument = LookupType<PolicyDocumentLookup>;

pub struct PolicyDocumentLookup;

impl Lookup for PolicyDocumentLookup {
    const NAME: &'static str = "aws_iam_policy_document";

    fn schema() -> Schema {
        let principal = || {
            Schema::new()
                .attr(Attribute::required("type", Type::String))
                .attr(Attribute::required("identifiers", Type::set(Type::String)))
        };
        let statement = Schema::new()
            .attr(Attribute::optional("sid", Type::String))
            .attr(
                Attribute::optional("effect", Type::String)
                    .default(Value::string("Allow"))
                    .check(Check::OneOf(&["Allow", "Deny"])),
            )
            .attr(Attribute::optional("actions", Type::set(Type::String)))
            .attr(Attribute::optional("not_actions", Type::set(Type::String)))
            .attr(Attribute::optional("resources", Type::set(Type::String)))
            .attr(Attribute::optional("not_resources", Type::set(Type::String)))
            .block(Block::set("principals", principal()))
            .block(Block::set("not_principals", principal()))
            .block(Block::set(
                "condition",
                Schema::new()
                    .attr(Attribute::required("test", Type::String))
                    .attr(Attribute::required("variable", Type::String))
                    .attr(Attribute::required("values", Type::list(Type::String))),
            ));
        Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("json", Type::String))
            .attr(Attribute::computed("minified_json", Type::String))
            .attr(Attribute::optional("policy_id", Type::String))
            .attr(Attribute::optional("source_json", Type::String))
            .attr(Attribute::optional("override_json", Type::String))
            .attr(Attribute::optional("source_policy_documents", Type::list(Type::String)))
            .attr(Attribute::optional("override_policy_documents", Type::list(Type::String)))
            .attr(
                Attribute::optional("version", Type::String)
                    .default(Value::string("2012-10-17"))
                    .check(Check::OneOf(&["2008-10-17", "2012-10-17"])),
            )
            .block(Block::list("statement", statement))
    }

    async fn read(_: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let (json, minified) = render(config)?;
        let mut value = config.clone();
        if let Some(entries) = value.map_mut() {
            if entries.get("version").is_none_or(Value::is_null) {
                entries.insert("version".into(), Value::string("2012-10-17"));
            }
            entries.insert("id".into(), Value::string(crc32(json.as_bytes()).to_string()));
            entries.insert("json".into(), Value::String(json));
            entries.insert("minified_json".into(), Value::String(minified));
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| Value::string(*s)).collect())
    }

    #[test]
    fn matches_the_provider_output() {
        let config = Value::map([(
            "statement",
            Value::List(vec![
                Value::map([
                    ("actions", strings(&["sts:AssumeRole"])),
                    (
                        "principals",
                        Value::List(vec![Value::map([
                            ("type", Value::string("Service")),
                            ("identifiers", strings(&["ecs-tasks.amazonaws.com"])),
                        ])]),
                    ),
                ]),
                Value::map([
                    ("sid", Value::string("Logs")),
                    ("effect", Value::string("Deny")),
                    ("actions", strings(&["logs:PutLogEvents", "logs:CreateLogStream"])),
                    ("resources", strings(&["arn:aws:logs:*:*:log-group:&{aws:username}"])),
                    (
                        "condition",
                        Value::List(vec![Value::map([
                            ("test", Value::string("StringEquals")),
                            ("variable", Value::string("aws:SourceVpc")),
                            ("values", strings(&["vpc-b", "vpc-a"])),
                        ])]),
                    ),
                ]),
            ]),
        )]);
        let (json, minified) = render(&config).unwrap();
        let expected = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "",
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Principal": {
        "Service": "ecs-tasks.amazonaws.com"
      }
    },
    {
      "Sid": "Logs",
      "Effect": "Deny",
      "Action": [
        "logs:PutLogEvents",
        "logs:CreateLogStream"
      ],
      "Resource": "arn:aws:logs:*:*:log-group:${aws:username}",
      "Condition": {
        "StringEquals": {
          "aws:SourceVpc": [
            "vpc-b",
            "vpc-a"
          ]
        }
      }
    }
  ]
}"#;
        assert_eq!(json, expected);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&minified).unwrap(),
            serde_json::from_str::<serde_json::Value>(&json).unwrap()
        );
        assert!(!minified.contains('\n'));
    }

    #[test]
    fn wildcard_principal_and_overrides() {
        let config = Value::map([
            (
                "statement",
                Value::List(vec![Value::map([
                    ("sid", Value::string("A")),
                    ("actions", strings(&["s3:GetObject"])),
                    (
                        "principals",
                        Value::List(vec![Value::map([
                            ("type", Value::string("*")),
                            ("identifiers", strings(&["*"])),
                        ])]),
                    ),
                ])]),
            ),
            (
                "override_policy_documents",
                strings(&[
                    r#"{"Statement":[{"Sid":"A","Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#,
                ]),
            ),
        ]);
        let (_, minified) = render(&config).unwrap();
        assert_eq!(
            minified,
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#
        );
        let wildcard = Value::map([(
            "statement",
            Value::List(vec![Value::map([
                ("actions", strings(&["s3:GetObject"])),
                (
                    "principals",
                    Value::List(vec![Value::map([
                        ("type", Value::string("*")),
                        ("identifiers", strings(&["*"])),
                    ])]),
                ),
            ])]),
        )]);
        assert!(render(&wildcard).unwrap().1.contains(r#""Principal":"*""#));
    }

    #[test]
    fn deprecated_source_and_override_json_merge_in_order() {
        let statement = |sid: &str, action: &str| {
            format!(
                r#"{{"Statement":[{{"Sid":"{sid}","Effect":"Allow","Action":"{action}","Resource":"*"}}]}}"#
            )
        };
        let config = Value::map([
            ("source_json", Value::string(statement("A", "s3:GetObject"))),
            ("source_policy_documents", strings(&[&statement("B", "s3:PutObject")])),
            ("override_policy_documents", strings(&[&statement("A", "s3:ListBucket")])),
            ("override_json", Value::string(statement("A", "s3:DeleteObject"))),
            ("policy_id", Value::string("doc")),
        ]);
        let (_, minified) = render(&config).unwrap();
        assert_eq!(
            minified,
            r#"{"Version":"2012-10-17","Id":"doc","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:DeleteObject","Resource":"*"},{"Sid":"B","Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}"#
        );
        let conflicting = Value::map([(
            "statement",
            Value::List(vec![Value::map([
                ("resources", strings(&["*"])),
                ("not_resources", strings(&["x"])),
            ])]),
        )]);
        assert!(render(&conflicting).unwrap_err().message.contains("not_resources"));
    }

    #[test]
    fn crc32_matches_go() {
        assert_eq!(crc32(b"hello"), 907_060_870);
    }
}
