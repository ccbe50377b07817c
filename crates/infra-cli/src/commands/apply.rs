//! `infra apply [FILE]` and `infra destroy`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::{anyhow, Context, Result};
use infra_aws::Aws;
use infra_config::{Config, Evaluator, ResourceValue};
use infra_core::{Action, Address, Registry, ResourceId};
use infra_engine::executor::{ApplyError, Executor, OperationError};
use infra_engine::fingerprint::{fingerprint, variables_digest};
use infra_engine::plan::Plan;
use infra_state::{Backend, State};

use crate::args::{ApplyArgs, VariableSource};
use crate::commands::plan::{debug_requests, make_plan};
use crate::session::{self, check, Workdir};
use crate::{Exit, Reported};
use infra_engine::observer::Observer;

pub async fn run(
    work: &Workdir,
    args: &ApplyArgs,
    sources: &[VariableSource],
    destroy: bool,
) -> Result<Exit> {
    let json = args.plan.json;
    if json {
        crate::json_ui::enable(&work.dir);
        if args.plan_file.is_none() && !work.auto_approve {
            return Err(anyhow!("Plan file or auto-approve required: infra cannot ask for interactive approval when -json is set. You can either apply a saved plan file, or enable the -auto-approve option."));
        }
    }
    let config = session::load_required_config(work, destroy || args.plan.destroy)?;
    let state_settings = session::StateSettings::of(&config)?;
    let saved_plan = read_saved_plan(work, args, &state_settings)?;
    // A saved plan carries its variables (all but the sensitive ones, which are masked).
    let saved_variables = saved_plan.as_ref().map(|saved| &saved.document["variables"]);
    let inputs = session::input_variables_with(
        work,
        &config,
        saved_variables,
        sources,
        work.input && !json,
    )?;
    let config = session::expand_modules(work, config, &inputs)?;
    let evaluator = session::evaluator(work, &config, &inputs)?;
    let (aws, registry) = session::providers(
        &evaluator,
        work.style,
        crate::commands::plan::progress(work, json).as_ref(),
    )
    .await?;
    session::report(&config.validate_schemas(&registry), work.style)?;
    let backend = session::backend(work, &state_settings, &args.plan.state)?;
    let operation = if destroy { "OperationTypeDestroy" } else { "OperationTypeApply" };
    let _lock = session::lock(backend.as_ref(), &args.plan.state, operation)?;
    let progress = crate::commands::plan::progress(work, json);
    let context = ApplyContext {
        work,
        config: &config,
        evaluator: &evaluator,
        registry: &registry,
        backend: backend.as_ref(),
        progress: progress.as_ref(),
    };

    let to_apply = match &saved_plan {
        Some(saved) => prepare_saved_plan(&context, saved).await?,
        None => match plan_and_confirm(&context, args, destroy).await? {
            Some(to_apply) => to_apply,
            None => return Ok(Exit::Ok),
        },
    };
    if to_apply.plan.refresh_only {
        return record_refresh(
            work,
            &to_apply.plan,
            to_apply.state,
            saved_plan.is_some(),
            &registry,
            backend.as_ref(),
            context.progress,
        )
        .await;
    }
    execute(&context, args, to_apply, destroy, &aws).await
}

/// What the steps of an apply share, once the configuration is loaded and the state locked.
struct ApplyContext<'a> {
    work: &'a Workdir,
    config: &'a Config,
    evaluator: &'a Evaluator<'a>,
    registry: &'a Registry,
    backend: &'a dyn Backend,
    progress: &'a dyn Observer,
}

/// A plan file given to `apply`: its path, its text and the text parsed as JSON.
struct SavedPlan {
    path: PathBuf,
    text: String,
    document: serde_json::Value,
}

/// The plan the executor carries out, the state it starts from, and the data sources read.
struct PlanToApply {
    plan: Plan,
    state: State,
    data: BTreeMap<ResourceId, ResourceValue>,
    /// The ephemeral instances opened for this apply and still open, to be closed when it is
    /// done: a saved plan's (opened again here); a plan made now closed its own.
    open: BTreeSet<Address>,
}

/// The plan file named on the command line, decrypted and parsed, if one was.
fn read_saved_plan(
    work: &Workdir,
    args: &ApplyArgs,
    state_settings: &session::StateSettings,
) -> Result<Option<SavedPlan>> {
    let Some(file) = &args.plan_file else {
        return Ok(None);
    };
    let path = work.path(file);
    let text =
        crate::commands::plan::read_plan_file(&path, state_settings.encryption.plan.as_deref())?;
    let document: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("the plan file {} is not valid JSON", path.display()))?;
    Ok(Some(SavedPlan { path, text, document }))
}

/// A saved plan, once it is known to be current (same configuration, variables and state, and
/// the objects it changes unchanged since), with the data sources it does not defer read again.
async fn prepare_saved_plan(context: &ApplyContext<'_>, saved: &SavedPlan) -> Result<PlanToApply> {
    let ApplyContext { work, config, evaluator, registry, backend, progress } = *context;
    let plan = infra_engine::planfile::from_json(&saved.path.display().to_string(), &saved.text)?;
    // With no state yet, the state the plan was made against is the new one it names.
    let mut state = backend
        .read()?
        .unwrap_or_else(|| State { lineage: plan.basis.lineage.clone(), ..State::new() });
    check(infra_engine::upgrade::upgrade_state(&mut state, registry), work.style)?;
    check_plan_is_current(&plan, &state, config, evaluator, work)?;
    // The objects the plan moved or imported are checked where the plan put them.
    let mut edited = state.clone();
    infra_engine::refactoring::apply_state_edits(&plan, &mut edited, registry);
    check_objects_unchanged(&plan, &edited, registry, progress, work).await?;
    let dependencies = check(evaluator.dependencies(), work.style)?;
    let order = check(infra_engine::planner::resource_order(config, &dependencies), work.style)?;
    // What the plan reads during apply stays unread until the executor reaches it.
    let deferred: BTreeSet<ResourceId> = plan
        .changes
        .iter()
        .filter(|c| c.action == Action::Read)
        .map(|c| c.address.resource.clone())
        .collect();
    let data = check(
        infra_engine::data::read_data_sources(
            config,
            evaluator,
            registry,
            &order,
            &state,
            &deferred,
            &BTreeMap::new(),
            progress,
        )
        .await,
        work.style,
    )?;
    Ok(PlanToApply { plan, state, open: infra_engine::data::opened(&data), data })
}

/// Without a saved plan: settles rollouts, plans, shows the plan and asks for approval.
/// `None` when there is nothing to do (the summary has been printed).
async fn plan_and_confirm(
    context: &ApplyContext<'_>,
    args: &ApplyArgs,
    destroy: bool,
) -> Result<Option<PlanToApply>> {
    let work = context.work;
    if !destroy {
        settle_rollouts(work, context.registry, context.backend, args.resume).await?;
    }
    let planned = make_plan(
        work,
        context.config,
        context.evaluator,
        context.registry,
        context.backend,
        &args.plan,
        destroy,
        context.progress,
    )
    .await?;
    if args.plan.json {
        crate::json_ui::plan(&planned.plan);
    } else {
        super::plan::print_plan_text(&planned.plan, context.registry, work.style);
    }
    session::report(&infra_core::Diagnostics(planned.plan.warnings.clone()), work.style)?;
    if !planned.plan.has_changes() {
        print_summary(&planned.plan, destroy);
        return Ok(None);
    }
    if !work.auto_approve {
        confirm(destroy, work.input)?;
    }
    // Apply against the persisted state: refresh results are not saved unless an
    // operation needs them, as Terraform does.
    let mut state = planned.state;
    state.resources = planned.refreshed.resources;
    Ok(Some(PlanToApply { plan: planned.plan, state, data: planned.data, open: BTreeSet::new() }))
}

/// Carries out the plan (until done, or stopped by a signal), then reports how it went.
async fn execute(
    context: &ApplyContext<'_>,
    args: &ApplyArgs,
    to_apply: PlanToApply,
    destroy: bool,
    aws: &Aws,
) -> Result<Exit> {
    let json = args.plan.json;
    if !json {
        println!();
    }
    let stop = crate::interrupt::stop_on_signals();
    let executor = Executor {
        config: context.config,
        evaluator: context.evaluator,
        registry: context.registry,
        backend: context.backend,
        observer: context.progress,
        parallelism: args.plan.parallelism,
        data: std::cell::RefCell::new(to_apply.data),
        stop,
        watchdog_quiet: infra_engine::watchdog::QUIET,
    };
    let plan = to_apply.plan;
    let (final_state, result) = executor.apply(&plan, to_apply.state).await;
    // Those the executor opened it closed; the saved plan's are closed now, at the end.
    infra_engine::data::close(&to_apply.open, context.progress);
    if debug_requests() {
        eprintln!("AWS requests: {}", aws.requests.count());
        eprintln!("{}", infra_state::written::summary());
    }
    report_result(context.work, &executor, &plan, &final_state, result, destroy, json)
}

/// `apply -refresh-only`: the refreshed objects replace those in the state; no object changes.
/// A saved plan's objects are read again, so what is recorded is what exists now.
#[allow(clippy::too_many_arguments)]
async fn record_refresh(
    work: &Workdir,
    plan: &Plan,
    mut state: State,
    read_again: bool,
    registry: &infra_core::Registry,
    backend: &dyn infra_state::Backend,
    progress: &dyn Observer,
) -> Result<Exit> {
    if read_again {
        let refreshed = check(
            infra_engine::refresh::refresh(&state, registry, progress, None).await,
            work.style,
        )?;
        state.resources = refreshed.state.resources;
    }
    infra_engine::persist::persist(backend, &mut state)?;
    if crate::json_ui::enabled() {
        crate::json_ui::change_summary(plan, "apply");
    } else {
        println!(
            "\nApply complete! Resources: 0 added, 0 changed, 0 destroyed. The state now records {} change(s) made outside infra.",
            plan.drift.len()
        );
    }
    Ok(Exit::Ok)
}

fn confirm(destroy: bool, input: bool) -> Result<()> {
    if !input {
        return Err(anyhow!(
            "the plan needs approval: run with -auto-approve, or without -input=false"
        ));
    }
    if destroy {
        print!("\nDo you really want to destroy all resources?\n  infra will destroy all your managed infrastructure, as shown above.\n  There is no undo. Only 'yes' will be accepted to confirm.\n\n  Enter a value: ");
    } else {
        print!("\nDo you want to perform these actions?\n  infra will perform the actions described above.\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ");
    }
    std::io::stdout().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    if line.trim() == "yes" {
        Ok(())
    } else {
        Err(anyhow!("{} cancelled.", if destroy { "Destroy" } else { "Apply" }))
    }
}

/// Before an apply plans: a deploy a killed run left part way goes back to its live colour,
/// and standby colours past their `standby_retention_minutes` are scaled down (the next apply
/// after their retention is where that is done, changes or not).
async fn settle_rollouts(
    work: &Workdir,
    registry: &infra_core::Registry,
    backend: &dyn infra_state::Backend,
    resume: bool,
) -> Result<()> {
    let Some(mut state) = backend.read()? else {
        return Ok(());
    };
    match infra_engine::executor::recover_interrupted(registry, backend, &mut state, resume).await {
        Ok(recovered) => {
            for (address, report) in recovered {
                say(format!("{address}: {report}"));
            }
        }
        Err(error) => {
            return Err(anyhow::anyhow!("rolling back an interrupted deploy failed: {error}"))
        }
    }
    match infra_engine::executor::finalize_expired(registry, backend, &mut state).await {
        Ok(finalized) => {
            for address in finalized {
                say(format!("{address}: the standby colour outlived standby_retention_minutes and was scaled to 0"));
            }
        }
        Err(error) => eprintln!(
            "{} scaling down standby colours past their retention failed: {error}",
            work.style.yellow("Warning:")
        ),
    }
    Ok(())
}

/// What the apply's end says: the summary and outputs, or each failed operation with AWS's
/// code, message and request (ID and attempts), or the configuration's errors.
fn report_result(
    work: &Workdir,
    executor: &Executor<'_>,
    plan: &Plan,
    final_state: &State,
    result: std::result::Result<(), ApplyError>,
    destroy: bool,
    json: bool,
) -> Result<Exit> {
    match result {
        Ok(()) => {
            if !destroy {
                session::report(&executor.check_failures(final_state), work.style)?;
            }
            print_summary(plan, destroy);
            if json {
                crate::json_ui::outputs(final_state);
            } else {
                print_outputs(final_state);
            }
            Ok(Exit::Ok)
        }
        Err(ApplyError::Operations(errors)) => {
            report_failures(errors, work, json);
            let saved = "The state was saved with every operation that succeeded.";
            if json {
                crate::json_ui::log(saved.into());
            } else {
                eprintln!("\n{saved}");
            }
            Err(Reported.into())
        }
        Err(ApplyError::Config(diagnostics)) => {
            session::report(&diagnostics, work.style)?;
            Err(Reported.into())
        }
        Err(ApplyError::State(error)) => Err(anyhow!(error).context("saving the state")),
        Err(error @ ApplyError::Interrupted { .. }) => {
            // The failures first, then "Interrupted: N operations finished, M not started, K
            // failed".
            let summary = error.to_string();
            if let ApplyError::Interrupted { failed, .. } = error {
                report_failures(failed, work, json);
            }
            let saved = "The state was saved with every operation that finished.";
            if json {
                crate::json_ui::error(&summary, saved.into(), None);
            } else {
                eprintln!("\n{} {summary}.\n{saved}", work.style.red("Error:"));
            }
            Err(Reported.into())
        }
    }
}

/// Each failed operation, as Terraform reports a failed apply step.
fn report_failures(errors: Vec<OperationError>, work: &Workdir, json: bool) {
    for error in errors {
        if json {
            crate::json_ui::error(
                &format!("{}: {} failed", error.address, failed_verb(error.action)),
                failure_detail(&error.error),
                Some(&error.address),
            );
            continue;
        }
        let code = error.error.code.clone().map(|c| format!(" ({c})")).unwrap_or_default();
        eprintln!(
            "\n{} {}: {} failed{code}\n\n  with {},\n\n{}",
            work.style.red("Error:"),
            error.address,
            failed_verb(error.action),
            error.address,
            failure_detail(&error.error)
        );
    }
}

/// A failed operation's message, then which request failed when the provider says so.
fn failure_detail(error: &infra_core::ProviderError) -> String {
    match &error.request {
        Some(request) => format!("{}\n\n({request})", error.message),
        None => error.message.clone(),
    }
}

/// What a failed operation was, in an error line: "create", "update" or "destroy".
fn failed_verb(action: Action) -> &'static str {
    match action {
        Action::Delete => "destroy",
        Action::Update => "update",
        _ => "create",
    }
}

/// A line of the human UI, or a `log` message of the machine-readable one.
fn say(line: String) {
    if crate::json_ui::enabled() {
        crate::json_ui::log(line);
    } else {
        println!("{line}");
    }
}

fn print_summary(plan: &Plan, destroy: bool) {
    if crate::json_ui::enabled() {
        crate::json_ui::change_summary(plan, if destroy { "destroy" } else { "apply" });
        return;
    }
    let summary = plan.summary();
    if destroy {
        println!("\nDestroy complete! Resources: {} destroyed.", summary.destroy);
    } else {
        let imported = if summary.import > 0 {
            format!("{} imported, ", summary.import)
        } else {
            String::new()
        };
        let forgotten = if summary.forget > 0 {
            format!(", {} forgotten", summary.forget)
        } else {
            String::new()
        };
        println!(
            "\nApply complete! Resources: {imported}{} added, {} changed, {} destroyed{forgotten}.",
            summary.add, summary.change, summary.destroy
        );
    }
}

fn print_outputs(state: &State) {
    if state.outputs.is_empty() {
        return;
    }
    println!("\nOutputs:\n");
    super::output::print_all(state);
}

/// Terraform's check, and ours: the plan must have been made from this configuration, these
/// variables, and this exact state.
fn check_plan_is_current(
    plan: &Plan,
    state: &State,
    config: &infra_config::Config,
    evaluator: &infra_config::Evaluator<'_>,
    work: &Workdir,
) -> Result<()> {
    let basis = &plan.basis;
    let stale = |what: String| {
        Err(anyhow!(
            "Saved plan is stale\n\n{what}\nCreate a new plan with `infra plan -out=FILE`."
        ))
    };
    if basis.workspace != work.workspace {
        return stale(format!(
            "The plan was made for workspace \"{}\", but the current workspace is \"{}\".",
            basis.workspace, work.workspace
        ));
    }
    if !state.lineage.is_empty() && !basis.lineage.is_empty() && state.lineage != basis.lineage {
        return stale(format!("The state's lineage is {}, but the plan was made against lineage {}: this is a different state.", state.lineage, basis.lineage));
    }
    if state.serial != basis.serial {
        return stale(format!("The state changed since the plan was made: its serial is now {}, the plan was made at serial {}.", state.serial, basis.serial));
    }
    if config.digest() != basis.config_digest {
        return stale("The configuration files changed since the plan was made.".to_string());
    }
    if variables_digest(&evaluator.root_variable_values()) != basis.variables_digest {
        return stale("The input variables differ from those the plan was made with (check -var, -var-file and TF_VAR_*).".to_string());
    }
    Ok(())
}

/// Re-reads only the objects the plan changes and refuses when any changed since planning.
async fn check_objects_unchanged(
    plan: &Plan,
    state: &State,
    registry: &infra_core::Registry,
    progress: &dyn Observer,
    work: &Workdir,
) -> Result<()> {
    let touched: BTreeSet<Address> = plan.basis.fingerprints.keys().cloned().collect();
    if touched.is_empty() {
        return Ok(());
    }
    let refreshed = check(
        infra_engine::refresh::refresh(state, registry, progress, Some(&touched)).await,
        work.style,
    )?;
    let mut changed = Vec::new();
    for (address, planned_fingerprint) in &plan.basis.fingerprints {
        match refreshed.state.get(address) {
            None => changed.push(format!("  - {address} was deleted outside infra")),
            Some(resource)
                if &fingerprint(&match registry.resource(&resource.resource_type) {
                    Some(resource_type) => resource_type.schema().without_volatile(&resource.value),
                    None => resource.value.clone(),
                }) != planned_fingerprint =>
            {
                changed.push(format!("  - {address} was modified outside infra"))
            }
            Some(_) => {}
        }
    }
    if changed.is_empty() {
        Ok(())
    } else {
        Err(anyhow!(
            "Saved plan is stale\n\nObjects this plan changes were changed since it was made:\n{}\n\nApplying it could undo or conflict with those changes. Create a new plan with `infra plan -out=FILE`.",
            changed.join("\n")
        ))
    }
}
