//! `install` end to end against a module registry and git repositories on this machine
//! (infra-testkit): no internet is used.

use infra_modules::{
    install, CliConfig, InstallError, InstallOptions, Manifest, RegistryClient, RegistryError,
};
use infra_testkit::module_registry::{git_fixture, ModuleRegistry};
use std::path::{Path, PathBuf};

const HOST: &str = "registry.test";

fn write(dir: &Path, relative: &str, text: &str) {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn read(dir: &Path, relative: &str) -> String {
    std::fs::read_to_string(dir.join(relative))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.join(relative).display()))
}

/// A directory of versions of a module: `VERSION/main.tf` saying which version it is.
fn versions(parent: &Path, name: &str, list: &[&str]) -> PathBuf {
    let dir = parent.join(name);
    for version in list {
        write(&dir, &format!("{version}/main.tf"), &format!("# {name} {version}\n"));
    }
    dir
}

/// Writes `dir`/main.tf.
fn write_main_tf(dir: &Path, text: &str) {
    write(dir, "main.tf", text);
}

/// A registry serving `acme/vpc/aws` at each of `list` (see [`versions`]).
fn registry_of_vpc(scratch: &Path, list: &[&str]) -> ModuleRegistry {
    let registry = ModuleRegistry::start();
    registry.add_module("acme/vpc/aws", &versions(scratch, "vpc", list));
    registry
}

/// A module block `name` whose `source` is `source`.
fn module_from(name: &str, source: &str) -> String {
    format!("module \"{name}\" {{\n  source = \"{source}\"\n}}\n")
}

/// A registry serving `acme/app/aws` made of `files` (`(path, text)` pairs, each path starting
/// with the version, as `1.0.0/main.tf` does), and the directory of a root module,
/// `scratch`/root, that calls it as `app`.
fn root_calling_app(scratch: &Path, files: &[(&str, &str)]) -> (ModuleRegistry, PathBuf) {
    let registry = ModuleRegistry::start();
    let app = scratch.join("app");
    for (relative, text) in files {
        write(&app, relative, text);
    }
    registry.add_module("acme/app/aws", &app);
    let root = scratch.join("root");
    write_main_tf(&root, &module_from("app", "registry.test/acme/app/aws"));
    (registry, root)
}

/// A root module calling `acme/vpc/aws` from [`HOST`] at `version`.
fn vpc_module(version: &str) -> String {
    format!(
        "module \"vpc\" {{\n  source  = \"registry.test/acme/vpc/aws\"\n  version = \"{version}\"\n}}\n"
    )
}

fn host_config(registry: &ModuleRegistry) -> CliConfig {
    CliConfig::parse(&registry.cli_config(HOST), Path::new("test.tfrc")).unwrap()
}

fn run(
    root: &Path,
    upgrade: bool,
    config: &CliConfig,
) -> (Result<Manifest, InstallError>, Vec<String>) {
    let mut lines = Vec::new();
    let result =
        install(root, InstallOptions { upgrade }, config, &Default::default(), &mut |line| {
            lines.push(line)
        });
    (result, lines)
}

/// Asserts that the manifest installs module `key` in `dir`.
fn assert_dir(manifest: &Manifest, key: &str, dir: &str) {
    assert_eq!(manifest.get(key).unwrap().dir, dir);
}

/// The error of an install (without upgrade) that must fail, as text.
fn install_error(root: &Path, config: &CliConfig) -> String {
    run(root, false, config).0.unwrap_err().to_string()
}

/// Asserts that an install (without upgrade) fails with an error that names each of `parts`.
fn assert_install_error_names(root: &Path, config: &CliConfig, parts: &[&str]) {
    let error = install_error(root, config);
    for part in parts {
        assert!(error.contains(part), "{error}");
    }
}

fn ok(root: &Path, upgrade: bool, config: &CliConfig) -> (Manifest, Vec<String>) {
    let (result, lines) = run(root, upgrade, config);
    (result.unwrap_or_else(|e| panic!("install failed: {e}")), lines)
}

#[test]
fn registry_module_through_a_host_block_at_the_newest_matching_version() {
    let scratch = tempfile::tempdir().unwrap();
    let registry =
        registry_of_vpc(scratch.path(), &["5.0.0", "6.0.0", "6.0.1", "6.1.0-beta1", "7.0.0"]);
    let root = scratch.path().join("root");
    write_main_tf(&root, "module \"vpc\" {\n  source  = \"registry.test/acme/vpc/aws\"\n  version = \"~> 6.0\"\n  cidr    = \"10.0.0.0/16\"\n}\n",
    );

    let (manifest, lines) = ok(&root, false, &host_config(&registry));

    assert_eq!(
        lines,
        ["Downloading registry.test/acme/vpc/aws 6.0.1 for vpc...", "- vpc in .infra/modules/vpc"]
    );
    let record = manifest.get("vpc").unwrap();
    assert_eq!(record.version.as_deref(), Some("6.0.1"));
    assert_eq!(read(&root, ".infra/modules/vpc/main.tf"), "# vpc 6.0.1\n");
    assert_eq!(
        read(&root, ".infra/modules/modules.json"),
        r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"vpc","Source":"registry.test/acme/vpc/aws","Version":"6.0.1","Dir":".infra/modules/vpc"}]}"#
    );
    let paths: Vec<String> = registry.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            "/v1/modules/acme/vpc/aws/versions",
            "/v1/modules/acme/vpc/aws/6.0.1/download",
            "/archives/acme/vpc/aws/6.0.1.tar.gz"
        ],
        "a host block replaces discovery"
    );
}

#[test]
fn discovery_reads_the_modules_service_relative_to_the_document() {
    let registry = ModuleRegistry::start();
    let http = infra_modules::http::Http::new();
    let config = CliConfig::new();
    let mut client = RegistryClient::new(&http, &config);
    let base =
        client.discover(HOST, &format!("{}/.well-known/terraform.json", registry.url())).unwrap();
    assert_eq!(base, registry.modules_url());
}

#[test]
fn a_token_from_tf_token_is_required_and_sent() {
    let scratch = tempfile::tempdir().unwrap();
    let registry = registry_of_vpc(scratch.path(), &["1.0.0"]);
    registry.require_token("s3cret-token");
    let rc = scratch.path().join("custom.tfrc");
    std::fs::write(&rc, registry.cli_config(HOST)).unwrap();
    let root = scratch.path().join("root");
    write_main_tf(&root, &module_from("vpc", "registry.test/acme/vpc/aws"));
    let env = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    };
    let rc_text = rc.to_str().unwrap();

    // No token: refused, and the error says how to give one.
    let config = CliConfig::load_from(&env(&[("TF_CLI_CONFIG_FILE", rc_text)]), None).unwrap();
    let (result, _) = run(&root, false, &config);
    let error = result.unwrap_err();
    assert!(
        matches!(
            error,
            InstallError::Registry { error: RegistryError::Unauthorized { status: 401, .. }, .. }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("TF_TOKEN_registry_test"), "{error}");

    // A wrong token: refused, and not shown.
    let config = CliConfig::load_from(
        &env(&[("TF_CLI_CONFIG_FILE", rc_text), ("TF_TOKEN_registry_test", "wrong-token")]),
        None,
    )
    .unwrap();
    let error = install_error(&root, &config);
    assert!(error.contains("not accepted"), "{error}");
    assert!(!error.contains("wrong-token"), "{error}");

    // The right token, from the environment.
    registry.clear_requests();
    let config = CliConfig::load_from(
        &env(&[("TF_CLI_CONFIG_FILE", rc_text), ("TF_TOKEN_registry_test", "s3cret-token")]),
        None,
    )
    .unwrap();
    let (manifest, _) = ok(&root, false, &config);
    assert_eq!(manifest.get("vpc").unwrap().version.as_deref(), Some("1.0.0"));
    for request in registry.requests() {
        let expected = if request.path.starts_with("/v1/modules/") {
            Some("Bearer s3cret-token")
        } else {
            // The package URL is not the registry API: no token goes there.
            None
        };
        assert_eq!(request.authorization.as_deref(), expected, "{}", request.path);
    }
    assert!(!format!("{config:?}").contains("s3cret-token"));
}

/// Versions 1.0.0 and 2.0.0 of a repository with a module in `modules/net`, by its
/// `file://` URL.
fn net_repository(scratch: &Path) -> String {
    let dir = scratch.join("net-versions");
    for version in ["1.0.0", "2.0.0"] {
        write(&dir, &format!("{version}/main.tf"), "# repository root\n");
        write(&dir, &format!("{version}/modules/net/main.tf"), &format!("# net {version}\n"));
    }
    format!("file://{}", git_fixture(&dir).display())
}

#[test]
fn git_module_at_a_tag_a_branch_and_a_subdirectory() {
    let scratch = tempfile::tempdir().unwrap();
    let url = net_repository(scratch.path());
    let root = scratch.path().join("root");
    write_main_tf(
        &root,
        &[
            module_from("old", &format!("git::{url}//modules/net?ref=v1.0.0")),
            module_from("main", &format!("git::{url}//modules/net?ref=main")),
            module_from("shallow", &format!("git::{url}?ref=v2.0.0&depth=1")),
        ]
        .concat(),
    );

    let (manifest, lines) = ok(&root, false, &CliConfig::new());

    assert_eq!(read(&root, ".infra/modules/old/modules/net/main.tf"), "# net 1.0.0\n");
    assert_dir(&manifest, "old", ".infra/modules/old/modules/net");
    assert_eq!(manifest.get("old").unwrap().source, format!("git::{url}//modules/net?ref=v1.0.0"));
    assert_eq!(manifest.get("old").unwrap().version, None);
    assert_eq!(read(&root, ".infra/modules/main/modules/net/main.tf"), "# net 2.0.0\n");
    assert_dir(&manifest, "shallow", ".infra/modules/shallow");
    assert_eq!(read(&root, ".infra/modules/shallow/modules/net/main.tf"), "# net 2.0.0\n");
    assert!(lines.contains(&format!("Downloading git::{url}//modules/net?ref=v1.0.0 for old...")));
    assert!(lines.contains(&"- old in .infra/modules/old/modules/net".to_string()));
}

#[test]
fn git_errors_name_the_ref_and_the_subdirectory() {
    let scratch = tempfile::tempdir().unwrap();
    let url = net_repository(scratch.path());
    let root = scratch.path().join("root");
    write_main_tf(&root, &module_from("net", &format!("git::{url}?ref=v9.9.9")));
    assert_install_error_names(&root, &CliConfig::new(), &["module \"net\"", "v9.9.9"]);

    write_main_tf(&root, &module_from("net", &format!("git::{url}//modules/nope?ref=v1.0.0")));
    let error = install_error(&root, &CliConfig::new());
    assert!(error.contains("no directory \"modules/nope\""), "{error}");
}

#[test]
fn registry_download_location_may_be_a_git_address_with_a_subdirectory() {
    let scratch = tempfile::tempdir().unwrap();
    let url = net_repository(scratch.path());
    let registry = ModuleRegistry::start();
    registry.add_module("acme/net/aws", &versions(scratch.path(), "net", &["1.0.0"]));
    registry.set_location("acme/net/aws", "1.0.0", &format!("git::{url}//modules?ref=v1.0.0"));
    let root = scratch.path().join("root");
    write_main_tf(&root, "module \"net\" {\n  source  = \"registry.test/acme/net/aws//net\"\n  version = \"1.0.0\"\n}\n",
    );
    let (manifest, _) = ok(&root, false, &host_config(&registry));
    let record = manifest.get("net").unwrap();
    assert_eq!(record.dir, ".infra/modules/net/modules/net");
    assert_eq!(record.source, "registry.test/acme/net/aws//net");
    assert_eq!(read(&root, ".infra/modules/net/modules/net/main.tf"), "# net 1.0.0\n");
}

#[test]
fn http_archives_tar_gz_and_zip_with_a_subdirectory() {
    let scratch = tempfile::tempdir().unwrap();
    let registry = ModuleRegistry::start();
    let dir = versions(scratch.path(), "pkg", &["1.0.0"]);
    write(&dir, "1.0.0/modules/sub/main.tf", "# sub\n");
    registry.add_module("acme/pkg/aws", &dir);
    let root = scratch.path().join("root");
    write_main_tf(
        &root,
        &[
            module_from("tgz", &registry.archive_url("acme/pkg/aws", "1.0.0", "tar.gz")),
            module_from(
                "zip",
                &format!("{}//modules/sub", registry.archive_url("acme/pkg/aws", "1.0.0", "zip")),
            ),
        ]
        .concat(),
    );
    let (manifest, lines) = ok(&root, false, &CliConfig::new());
    assert_eq!(read(&root, ".infra/modules/tgz/main.tf"), "# pkg 1.0.0\n");
    assert_eq!(read(&root, ".infra/modules/zip/modules/sub/main.tf"), "# sub\n");
    assert_dir(&manifest, "zip", ".infra/modules/zip/modules/sub");
    assert_eq!(
        lines[0],
        format!(
            "Downloading {} for tgz...",
            registry.archive_url("acme/pkg/aws", "1.0.0", "tar.gz")
        )
    );

    // A package that is not there.
    write_main_tf(
        &root,
        &format!(
            "module \"gone\" {{\n  source = \"{}\"\n}}\n",
            registry.archive_url("acme/pkg/aws", "9.0.0", "zip")
        ),
    );
    assert_install_error_names(&root, &CliConfig::new(), &["module \"gone\"", "404"]);
}

#[test]
fn nested_remote_and_local_modules_get_dotted_keys() {
    let scratch = tempfile::tempdir().unwrap();
    let (registry, root) = root_calling_app(
        scratch.path(),
        &[
            (
                "1.0.0/main.tf",
                "module \"sg\" {\n  source  = \"registry.test/acme/sg/aws\"\n  version = \">= 1.0, < 2.0\"\n}\n\
                 module \"inner\" {\n  source = \"./modules/inner\"\n}\n",
            ),
            (
                "1.0.0/modules/inner/main.tf",
                &module_from("util", "../util"),
            ),
            ("1.0.0/modules/util/main.tf", "# util\n"),
        ],
    );
    registry
        .add_module("acme/sg/aws", &versions(scratch.path(), "sg", &["1.0.0", "1.2.0", "2.0.0"]));

    let (manifest, lines) = ok(&root, false, &host_config(&registry));

    let keys: Vec<(&str, &str)> =
        manifest.modules.iter().map(|r| (r.key.as_str(), r.dir.as_str())).collect();
    assert_eq!(
        keys,
        [
            ("", "."),
            ("app", ".infra/modules/app"),
            ("app.inner", ".infra/modules/app/modules/inner"),
            ("app.inner.util", ".infra/modules/app/modules/util"),
            ("app.sg", ".infra/modules/app.sg"),
        ]
    );
    assert_eq!(manifest.get("app.sg").unwrap().version.as_deref(), Some("1.2.0"));
    assert_eq!(read(&root, ".infra/modules/app.sg/main.tf"), "# sg 1.2.0\n");
    assert!(lines.contains(&"- app.inner.util in .infra/modules/app/modules/util".to_string()));

    // The loader finds every one of them.
    infra_config::load(&root).unwrap_or_else(|e| panic!("load failed: {e}"));
}

#[test]
fn a_local_path_cannot_leave_its_remote_package() {
    let scratch = tempfile::tempdir().unwrap();
    let (registry, root) = root_calling_app(
        scratch.path(),
        &[("1.0.0/main.tf", &module_from("up", "../../../elsewhere"))],
    );
    let error = run(&root, false, &host_config(&registry)).0.unwrap_err();
    assert!(matches!(error, InstallError::LocalEscapesPackage { .. }), "{error}");
    assert!(error.to_string().contains("module \"app.up\""), "{error}");
}

#[test]
fn upgrade_moves_to_a_newer_version_and_plain_init_keeps_the_installed_one() {
    let scratch = tempfile::tempdir().unwrap();
    let registry = registry_of_vpc(scratch.path(), &["6.0.0"]);
    let root = scratch.path().join("root");
    write_main_tf(&root, &vpc_module("~> 6.0"));
    let config = host_config(&registry);
    ok(&root, false, &config);
    assert_eq!(read(&root, ".infra/modules/vpc/main.tf"), "# vpc 6.0.0\n");

    // A newer version appears: plain init keeps what is installed, without asking.
    let newer = versions(scratch.path(), "vpc-newer", &["6.1.0"]);
    registry.add_version("acme/vpc/aws", "6.1.0", &newer.join("6.1.0"));
    registry.clear_requests();
    let (manifest, lines) = ok(&root, false, &config);
    assert_eq!(manifest.get("vpc").unwrap().version.as_deref(), Some("6.0.0"));
    assert!(registry.requests().is_empty(), "{:?}", registry.requests());
    assert!(lines.is_empty(), "{lines:?}");

    // -upgrade selects the newest acceptable version.
    let (manifest, lines) = ok(&root, true, &config);
    assert_eq!(manifest.get("vpc").unwrap().version.as_deref(), Some("6.1.0"));
    assert_eq!(read(&root, ".infra/modules/vpc/main.tf"), "# vpc-newer 6.1.0\n");
    assert_eq!(lines[0], "Downloading registry.test/acme/vpc/aws 6.1.0 for vpc...");

    // A constraint the installed version no longer meets is resolved again without -upgrade.
    write_main_tf(&root, &vpc_module("6.0.0"));
    let (manifest, _) = ok(&root, false, &config);
    assert_eq!(manifest.get("vpc").unwrap().version.as_deref(), Some("6.0.0"));
}

#[test]
fn no_matching_version_lists_what_is_available() {
    let scratch = tempfile::tempdir().unwrap();
    let registry = registry_of_vpc(scratch.path(), &["1.0.0", "2.0.0"]);
    let root = scratch.path().join("root");
    write_main_tf(&root, &vpc_module("~> 3.0"));
    assert_install_error_names(&root, &host_config(&registry), &["\"~> 3.0\"", "1.0.0, 2.0.0"]);

    write_main_tf(&root, &module_from("vpc", "registry.test/acme/nope/aws"));
    assert_install_error_names(
        &root,
        &host_config(&registry),
        &["registry.test/acme/nope/aws", "not found"],
    );
}

#[test]
fn missing_or_changed_modules_are_located_loader_errors() {
    let scratch = tempfile::tempdir().unwrap();
    let registry = registry_of_vpc(scratch.path(), &["6.0.1"]);
    let root = scratch.path().join("root");
    let main = &vpc_module("~> 6.0");
    write_main_tf(&root, main);

    let summary_and_line = |root: &Path| {
        let errors = infra_config::load(root).expect_err("the load should fail");
        let first = errors.0.first().expect("a diagnostic").clone();
        let location = first.location.clone().expect("a location");
        (first.summary, first.detail, location.line, location.column)
    };

    let (summary, detail, line, column) = summary_and_line(&root);
    assert_eq!((summary.as_str(), line, column), ("Module not installed", 2, 13));
    assert!(detail.contains("Module \"vpc\" is not yet installed. Run \"infra init\""), "{detail}");

    ok(&root, false, &host_config(&registry));
    infra_config::load(&root).unwrap_or_else(|e| panic!("load failed: {e}"));

    write_main_tf(&root, &main.replace("~> 6.0", "~> 7.0"));
    let (summary, detail, line, _) = summary_and_line(&root);
    assert_eq!((summary.as_str(), line), ("Module version requirements have changed", 2));
    assert!(detail.contains("(6.0.1)") && detail.contains("infra init"), "{detail}");

    std::fs::remove_dir_all(root.join(".infra/modules/vpc")).unwrap();
    write_main_tf(&root, main);
    let (summary, detail, _, _) = summary_and_line(&root);
    assert_eq!(summary, "Module not installed");
    assert!(detail.contains(".infra/modules/vpc"), "{detail}");
}
