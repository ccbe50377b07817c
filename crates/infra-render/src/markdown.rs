//! A compact Markdown summary of a plan for a pull-request comment: counts, then destructive
//! changes first, then the rest.

use std::fmt::Write;

use infra_core::Action;
use infra_engine::plan::Plan;

pub fn plan_markdown(plan: &Plan) -> String {
    let mut out = String::from("### infra plan\n\n");
    if !plan.has_changes() {
        out.push_str("**No changes.** Your infrastructure matches the configuration.\n");
        return out;
    }
    let (add, change, destroy) = plan.counts();
    let _ = writeln!(out, "**{add} to add, {change} to change, {destroy} to destroy.**\n");
    let sections: [(&str, &[Action]); 4] = [
        (":warning: Destroy", &[Action::Delete]),
        (":warning: Replace", &[Action::DeleteThenCreate, Action::CreateThenDelete]),
        ("Update", &[Action::Update]),
        ("Create", &[Action::Create]),
    ];
    for (title, actions) in sections {
        let changes: Vec<_> = plan.changes.iter().filter(|c| actions.contains(&c.action)).collect();
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "#### {title} ({})\n", changes.len());
        for change in changes {
            let detail = if let Some(deployment) = &change.deployment {
                format!(
                    " — blue/green: {} ← revision {}",
                    deployment.target_colour, deployment.target_revision
                )
            } else if !change.replace_paths.is_empty() {
                format!(" — forced by `{}`", change.replace_paths.join("`, `"))
            } else {
                String::new()
            };
            let _ = writeln!(out, "- `{}`{detail}", change.address);
        }
        out.push('\n');
    }
    let drift = plan.relevant_drift();
    if !drift.is_empty() {
        let _ =
            writeln!(out, "<details><summary>Changed outside infra ({})</summary>\n", drift.len());
        for change in drift {
            let _ = writeln!(out, "- `{}`", change.address);
        }
        out.push_str("\n</details>\n");
    }
    out
}
