//! The planner in release mode, without AWS: what `infra plan -refresh=false` does with an empty
//! state (load and parse the `.tf` files, evaluate, check schemas, order, plan, render the text)
//! for synthetic configurations of 1,000 and 10,000 resources, phase by phase.
//!
//! The registry here is schema-only: the six resource types of the synthetic stack (VPC, subnet,
//! security group, target group, ECS cluster, log group) with schemas copied from infra-aws,
//! and no provider-specific `validate`/`normalize` hooks. Their AWS operations are never
//! called (a plan with no refresh makes no AWS request) and fail if they were. It is a
//! stand-in for infra-aws's registry, which would bring the AWS SDK into a release build.
//!
//! Run: `cargo run --release --manifest-path benches/planner/Cargo.toml -- [RUNS] [SIZES...]`

use std::alloc::{GlobalAlloc, Layout};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Instant;

use infra_config::{Evaluator, InputVariables};
use infra_core::{
    Address, Attribute, Block, Check, Operation, ProviderError, Registry, ResourceType, Schema,
    Type, Value,
};
use infra_engine::planner::{self, PlanInput, PlanOptions};
use infra_state::State;

// mimalloc, as in the `infra` binary (src/main.rs), so that the figures are the binary's;
// counted, to tell what each phase holds.
#[global_allocator]
static ALLOCATOR: Counted = Counted;

/// Bytes allocated and not yet freed, and the most of them since [`start_peak`]. Rendering
/// allocates on several threads, so the counts are atomic additions.
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

struct Counted;

fn count(allocated: usize, freed: usize) {
    let live = LIVE.fetch_add(allocated, Relaxed) + allocated;
    LIVE.fetch_sub(freed, Relaxed);
    PEAK.fetch_max(live - freed, Relaxed);
}

unsafe impl GlobalAlloc for Counted {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size(), 0);
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(0, layout.size());
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size, layout.size());
        unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
    }
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

/// Starts measuring the peak of the heap afresh, from what it holds now.
fn start_peak() {
    PEAK.store(LIVE.load(Relaxed), Relaxed);
}

/// `tags` and `tags_all`, as infra-aws's `WithTags` declares them.
trait WithTags {
    fn with_tags(self) -> Schema;
}

impl WithTags for Schema {
    fn with_tags(self) -> Schema {
        self.taggable().attr(Attribute::optional("tags", Type::map(Type::String))).attr(
            Attribute::computed("tags_all", Type::map(Type::String)).compared().follows("tags"),
        )
    }
}

struct SchemaOnly {
    name: &'static str,
    schema: Schema,
}

fn never() -> ProviderError {
    ProviderError::new("the planner bench's registry has schemas only")
}

#[async_trait::async_trait]
impl ResourceType for SchemaOnly {
    fn name(&self) -> &'static str {
        self.name
    }
    fn schema(&self) -> &Schema {
        &self.schema
    }
    async fn create(&self, _: &Operation, _: &Value) -> Result<Value, ProviderError> {
        Err(never())
    }
    async fn update(&self, _: &Operation, _: &Value, _: &Value) -> Result<Value, ProviderError> {
        Err(never())
    }
    async fn delete(&self, _: &Operation, _: &Value) -> Result<(), ProviderError> {
        Err(never())
    }
    async fn read_many(&self, _: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        Err(never())
    }
    async fn find_created(&self, _: &Operation, _: &Value) -> Result<Option<Value>, ProviderError> {
        Err(never())
    }
}

/// Schemas as in crates/infra-aws/src/resources/*.rs (copied; keep in step when they change).
fn registry() -> Registry {
    let id = || Attribute::computed("id", Type::String);
    let arn = || Attribute::computed("arn", Type::String);
    let vpc = Schema::new()
        .attr(id())
        .attr(arn())
        .attr(Attribute::required("cidr_block", Type::String).force_new().check(Check::Cidr))
        .attr(Attribute::optional("enable_dns_support", Type::Bool).default(Value::Bool(true)))
        .attr(Attribute::optional("enable_dns_hostnames", Type::Bool).default(Value::Bool(false)))
        .attr(
            Attribute::optional("instance_tenancy", Type::String)
                .default(Value::string("default"))
                .force_new()
                .check(Check::OneOf(&["default", "dedicated"])),
        )
        .attr(Attribute::computed("default_security_group_id", Type::String))
        .attr(Attribute::computed("main_route_table_id", Type::String))
        .attr(Attribute::computed("default_route_table_id", Type::String))
        .attr(Attribute::computed("dhcp_options_id", Type::String))
        .attr(Attribute::computed("owner_id", Type::String))
        .with_tags();
    let subnet = Schema::new()
        .attr(id())
        .attr(arn())
        .attr(Attribute::required("vpc_id", Type::String).force_new())
        .attr(Attribute::required("cidr_block", Type::String).force_new().check(Check::Cidr))
        .attr(Attribute::optional_computed("availability_zone", Type::String).force_new())
        .attr(Attribute::computed("availability_zone_id", Type::String))
        .attr(
            Attribute::optional("map_public_ip_on_launch", Type::Bool).default(Value::Bool(false)),
        )
        .attr(Attribute::computed("owner_id", Type::String))
        .with_tags();
    let rule = || {
        let empty = || Value::List(Vec::new());
        Schema::new()
            .attr(Attribute::required("from_port", Type::Number).check(Check::Port))
            .attr(Attribute::required("to_port", Type::Number).check(Check::Port))
            .attr(Attribute::required("protocol", Type::String))
            .attr(Attribute::optional("cidr_blocks", Type::list(Type::String)).default(empty()))
            .attr(
                Attribute::optional("ipv6_cidr_blocks", Type::list(Type::String)).default(empty()),
            )
            .attr(Attribute::optional("prefix_list_ids", Type::list(Type::String)).default(empty()))
            .attr(Attribute::optional("security_groups", Type::set(Type::String)).default(empty()))
            .attr(Attribute::optional("self", Type::Bool).default(Value::Bool(false)))
            .attr(Attribute::optional("description", Type::String).default(Value::string("")))
    };
    let security_group = Schema::new()
        .attr(id())
        .attr(arn())
        .attr(Attribute::optional_computed("name", Type::String).force_new())
        .attr(Attribute::optional("name_prefix", Type::String).force_new())
        .attr(
            Attribute::optional("description", Type::String)
                .default(Value::string("Managed by Terraform"))
                .force_new(),
        )
        .attr(Attribute::optional_computed("vpc_id", Type::String).force_new())
        .attr(Attribute::optional("revoke_rules_on_delete", Type::Bool).default(Value::Bool(false)))
        .attr(Attribute::computed("owner_id", Type::String))
        .block(Block::set("ingress", rule()).computed())
        .block(Block::set("egress", rule()).computed())
        .with_tags();
    let health_check = Schema::new()
        .attr(Attribute::optional("enabled", Type::Bool).default(Value::Bool(true)))
        .attr(Attribute::optional_computed("path", Type::String))
        .attr(Attribute::optional_computed("matcher", Type::String))
        .attr(
            Attribute::optional("interval", Type::Number)
                .default(Value::Number(30.0))
                .check(Check::Range(5, 300)),
        )
        .attr(Attribute::optional_computed("timeout", Type::Number).check(Check::Range(2, 120)))
        .attr(
            Attribute::optional("healthy_threshold", Type::Number)
                .default(Value::Number(3.0))
                .check(Check::Range(2, 10)),
        )
        .attr(
            Attribute::optional("unhealthy_threshold", Type::Number)
                .default(Value::Number(3.0))
                .check(Check::Range(2, 10)),
        )
        .attr(Attribute::optional("port", Type::String).default(Value::string("traffic-port")))
        .attr(
            Attribute::optional("protocol", Type::String)
                .default(Value::string("HTTP"))
                .check(Check::OneOf(&["HTTP", "HTTPS", "TCP"])),
        );
    let target_group = Schema::new()
        .attr(id())
        .attr(arn())
        .attr(Attribute::computed("arn_suffix", Type::String))
        .attr(Attribute::optional_computed("name", Type::String).force_new())
        .attr(Attribute::optional("port", Type::Number).check(Check::Port).force_new())
        .attr(
            Attribute::optional("protocol", Type::String)
                .check(Check::OneOf(&["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE"]))
                .force_new(),
        )
        .attr(
            Attribute::optional("target_type", Type::String)
                .default(Value::string("instance"))
                .check(Check::OneOf(&["instance", "ip", "lambda", "alb"]))
                .force_new(),
        )
        .attr(Attribute::optional("vpc_id", Type::String).force_new())
        .attr(
            Attribute::optional("deregistration_delay", Type::Number)
                .default(Value::Number(300.0))
                .check(Check::Range(0, 3600)),
        )
        .block(Block::single("health_check", health_check))
        .with_tags();
    let cluster = Schema::new()
        .attr(id())
        .attr(arn())
        .attr(Attribute::required("name", Type::String).force_new())
        .block(Block::set(
            "setting",
            Schema::new()
                .attr(
                    Attribute::required("name", Type::String)
                        .check(Check::OneOf(&["containerInsights"])),
                )
                .attr(
                    Attribute::required("value", Type::String)
                        .check(Check::OneOf(&["enabled", "disabled", "enhanced"])),
                ),
        ))
        .with_tags();
    let log_group = Schema::new()
        .attr(id())
        .attr(arn())
        .attr(Attribute::required("name", Type::String).force_new())
        .attr(
            Attribute::optional("retention_in_days", Type::Number)
                .default(Value::Number(0.0))
                .check(Check::Range(0, 3653)),
        )
        .with_tags();
    let mut registry = Registry::new();
    for (name, schema) in [
        ("aws_vpc", vpc),
        ("aws_subnet", subnet),
        ("aws_security_group", security_group),
        ("aws_lb_target_group", target_group),
        ("aws_ecs_cluster", cluster),
        ("aws_cloudwatch_log_group", log_group),
    ] {
        registry.register_resource(Arc::new(SchemaOnly { name, schema }));
    }
    registry
}

/// The same stack as scripts/bench-common.py's `synthetic_resources`: COUNT resources cycling
/// through the six types, each its own block; subnets, security groups and target groups
/// reference their group's VPC.
fn synthetic(count: usize) -> String {
    let mut out = String::from("provider \"aws\" {\n  region = \"us-east-1\"\n}\n");
    for index in 0..count {
        let group = index / 6;
        let vpc = format!("aws_vpc.v{group}");
        out.push('\n');
        out.push_str(&match index % 6 {
            0 => format!(
                "resource \"aws_vpc\" \"v{group}\" {{\n  cidr_block = \"10.{}.0.0/16\"\n  tags = {{\n    Name = \"b-{group}\"\n  }}\n}}\n",
                group % 250
            ),
            1 => format!(
                "resource \"aws_subnet\" \"s{group}\" {{\n  vpc_id     = {vpc}.id\n  cidr_block = cidrsubnet({vpc}.cidr_block, 8, 1)\n  availability_zone = \"us-east-1a\"\n}}\n"
            ),
            2 => format!(
                "resource \"aws_security_group\" \"g{group}\" {{\n  name        = \"b-{group}\"\n  description = \"bench\"\n  vpc_id      = {vpc}.id\n  ingress {{\n    from_port   = 80\n    to_port     = 80\n    protocol    = \"tcp\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }}\n}}\n"
            ),
            3 => format!(
                "resource \"aws_lb_target_group\" \"t{group}\" {{\n  name        = \"b-tg-{group}\"\n  port        = 8080\n  protocol    = \"HTTP\"\n  target_type = \"ip\"\n  vpc_id      = {vpc}.id\n  health_check {{\n    path = \"/health\"\n  }}\n}}\n"
            ),
            4 => format!("resource \"aws_ecs_cluster\" \"c{group}\" {{\n  name = \"b-{group}\"\n}}\n"),
            _ => format!(
                "resource \"aws_cloudwatch_log_group\" \"l{group}\" {{\n  name              = \"/b/{group}\"\n  retention_in_days = 7\n}}\n"
            ),
        });
    }
    out
}

const PHASES: [&str; 7] =
    ["load+parse", "evaluator", "schemas", "dependencies+order", "plan", "render", "total"];

/// What one run measured, phase by phase (the indices of [`PHASES`]).
struct Run {
    wall: [f64; 7],
    /// The process's time on a CPU (every thread's), which the other work of a shared machine
    /// disturbs less than the wall time; above the wall time where a phase runs on several cores.
    cpu: [f64; 7],
    /// The resident set (VmRSS, MB) at the end of each phase.
    resident: [f64; 7],
    /// The heap (MB) held at the end of each phase, and its peak during it.
    held: [f64; 7],
    peak: [f64; 7],
    changes: usize,
    text_len: usize,
}

/// One `plan -refresh=false` of the stack in `dir` against an empty state.
fn plan_once(dir: &Path, registry: &Registry) -> Run {
    let mut run = Run {
        wall: [0.0; 7],
        cpu: [0.0; 7],
        resident: [0.0; 7],
        held: [0.0; 7],
        peak: [0.0; 7],
        changes: 0,
        text_len: 0,
    };
    let (started, started_cpu) = (Instant::now(), cpu_seconds());
    let (mut last, mut last_cpu) = (started, started_cpu);
    let mut mark = |run: &mut Run, index: usize| {
        let (now, now_cpu) = (Instant::now(), cpu_seconds());
        run.wall[index] = (now - last).as_secs_f64();
        run.cpu[index] = now_cpu - last_cpu;
        run.resident[index] = rss_mb("VmRSS:");
        run.held[index] = mb(LIVE.load(Relaxed));
        run.peak[index] = mb(PEAK.load(Relaxed));
        start_peak();
        (last, last_cpu) = (now, now_cpu);
    };
    let held_before = LIVE.load(Relaxed);
    start_peak();
    let config = infra_config::load(dir).expect("the synthetic stack loads");
    mark(&mut run, 0);
    let inputs = InputVariables::new();
    let evaluator = Evaluator::new(&config, &inputs, "default").expect("evaluator");
    let _blocks = evaluator.provider_blocks().expect("provider blocks");
    mark(&mut run, 1);
    let problems = config.validate_schemas(registry);
    assert!(!problems.has_errors(), "schema problems: {problems:?}");
    mark(&mut run, 2);
    let dependencies = evaluator.dependencies().expect("dependencies");
    let order = planner::resource_order(&config, &dependencies).expect("order");
    mark(&mut run, 3);
    let state = State::new();
    let options = PlanOptions {
        destroy: false,
        targets: Vec::<Address>::new(),
        replace: Vec::new(),
        excludes: Vec::new(),
    };
    let plan = planner::plan(PlanInput {
        config: &config,
        evaluator: &evaluator,
        dependencies: &dependencies,
        order: &order,
        registry,
        state: &state,
        deleted_outside: &BTreeSet::new(),
        data: &BTreeMap::new(),
        options: &options,
    })
    .expect("plan");
    mark(&mut run, 4);
    let text = infra_render::plan_text(&plan, registry, infra_render::Style { colour: false });
    mark(&mut run, 5);
    (run.changes, run.text_len) = (plan.changes.len(), text.len());
    // Dropping is part of the total, as it is of the process's time.
    drop(text);
    drop(plan);
    drop(order);
    drop(dependencies);
    drop(evaluator);
    drop(config);
    run.wall[6] = started.elapsed().as_secs_f64();
    run.cpu[6] = cpu_seconds() - started_cpu;
    run.resident[6] = rss_mb("VmRSS:");
    run.held[6] = mb(LIVE.load(Relaxed) - held_before);
    run.peak[6] = run.peak.iter().copied().fold(0.0, f64::max);
    run
}

/// The median over the runs of one figure.
fn median_of(runs: &[Run], figure: impl Fn(&Run) -> f64) -> f64 {
    let mut values: Vec<f64> = runs.iter().map(figure).collect();
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The process's CPU time so far (user and system, every thread's, `getrusage`), in seconds.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage writes the struct it is given, which lives for the call.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            return f64::NAN;
        }
        usage
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// A figure of /proc/self/status in MB: `VmRSS:` (resident now) or `VmHWM:` (the peak so far).
fn rss_mb(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with(field))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let runs: usize = arguments.first().and_then(|a| a.parse().ok()).unwrap_or(5);
    let mut sizes: Vec<usize> = arguments.iter().skip(1).filter_map(|a| a.parse().ok()).collect();
    if sizes.is_empty() {
        sizes = vec![1_000, 10_000];
    }
    sizes.sort_unstable();
    let registry = registry();
    let root: PathBuf =
        std::env::temp_dir().join(format!("infra-planner-bench-{}", std::process::id()));
    println!("planner bench (release, schema-only registry), {runs} runs per size");
    let mut medians = Vec::new();
    for &size in &sizes {
        let dir = root.join(size.to_string());
        std::fs::create_dir_all(&dir).expect("temp dir");
        let text = synthetic(size);
        std::fs::write(dir.join("main.tf"), &text).expect("write main.tf");
        let measured: Vec<Run> = (0..runs).map(|_| plan_once(&dir, &registry)).collect();
        for run in &measured {
            assert_eq!(run.changes, size, "every resource is planned for creation");
        }
        println!(
            "\n{size} resources ({:.2} MB of HCL, {:.1} MB of plan text), peak RSS so far {:.0} MB",
            text.len() as f64 / 1e6,
            measured[0].text_len as f64 / 1e6,
            rss_mb("VmHWM:")
        );
        println!("  phase                 wall (median)  CPU (median)   heap held after | peak in it   RSS after (first run)");
        for (phase, name) in PHASES.iter().enumerate() {
            let first = &measured[0];
            println!(
                "  {name:<20} {:>10.1} ms {:>10.1} ms {:>13.0} MB | {:>6.0} MB {:>10.0} MB",
                median_of(&measured, |r| r.wall[phase]) * 1e3,
                median_of(&measured, |r| r.cpu[phase]) * 1e3,
                first.held[phase],
                first.peak[phase],
                first.resident[phase]
            );
        }
        medians.push((size, median_of(&measured, |r| r.wall[6])));
    }
    if let (Some(&(small, small_time)), Some(&(large, large_time))) =
        (medians.first(), medians.last())
    {
        if large > small {
            println!(
                "\nratio {large}/{small}: {:.1}x time for {:.0}x resources",
                large_time / small_time,
                large as f64 / small as f64
            );
        }
    }
    let _ = std::fs::remove_dir_all(&root);
}
