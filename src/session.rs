//! A session: what every state-changing command does first. Lock the state, load it,
//! finish what a crashed run left in the journal, evaluate the blueprint with what exists,
//! and connect the providers.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use blueprint::providers::Resolution;
use blueprint::{Config, Diagnostics, Known, SourceMap};
use planner::Providers;
use planner::provider::FindRequest;
use planner::state::{Backend, LocalBackend, Lock, Object, Protector, State, Write};
use providers::{SimConfig, SimProvider};

use crate::backend::Target;
use crate::cli::{StateArgs, VarArgs};
use crate::printer::Printer;

/// An open, locked state with its blueprint and providers.
pub struct Session {
    pub dir: PathBuf,
    pub backend: Arc<dyn Backend>,
    /// The workspace whose state this is.
    pub workspace: String,
    sim_dir: PathBuf,
    operation: String,
    pub state: State,
    /// How sensitive values are written to the state folder's files.
    pub protector: Protector,
    pub providers: Providers,
    sim: Option<Arc<SimProvider>>,
    recovery: Option<planner::state::Recovery>,
    pub lock: Lock,
}

/// Seconds since the Unix epoch; `STRATA_NOW` (seconds) sets the clock for trying out
/// time-dependent behaviour such as an environment's ttl.
pub fn now() -> u64 {
    std::env::var("STRATA_NOW")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        })
}

/// How often apply reports an operation still running: every 10 seconds as Terraform
/// does, or `STRATA_PROGRESS_INTERVAL` (a duration such as `1s`; `0s` never reports).
pub fn progress_interval() -> anyhow::Result<Duration> {
    match std::env::var("STRATA_PROGRESS_INTERVAL") {
        Ok(text) => blueprint::units::parse_duration(&text)
            .map(Duration::from_millis)
            .map_err(|e| anyhow::anyhow!("STRATA_PROGRESS_INTERVAL={text:?}: {e}")),
        Err(_) => Ok(Duration::from_secs(10)),
    }
}

/// The key sensitive values are sealed with in the state folder's files
/// (`STRATA_STATE_KEY`); without one they are written as digests.
pub fn state_key() -> Option<planner::state::StateKey> {
    std::env::var("STRATA_STATE_KEY")
        .ok()
        .filter(|k| !k.is_empty())
        .map(|k| planner::state::StateKey::new(&k))
}

pub fn lock_timeout(args: &StateArgs) -> anyhow::Result<Duration> {
    blueprint::units::parse_duration(&args.lock_timeout)
        .map(Duration::from_millis)
        .map_err(|e| anyhow::anyhow!("-lock-timeout: {}. {}", e.message, e.help))
}

/// The attributes of every object, for evaluating the blueprint.
pub fn known(state: &State) -> Arc<Known> {
    known_except(state, &Hidden::new())
}

/// What a plan gives new values, known only after apply: an object's attributes named,
/// or all of them (`None`, an object replaced).
pub type Hidden = BTreeMap<blueprint::Address, Option<BTreeSet<String>>>;

/// The attributes of every object except the `hidden` ones.
pub fn known_except(state: &State, hidden: &Hidden) -> Arc<Known> {
    Arc::new(
        state
            .objects
            .iter()
            .filter_map(|o| match hidden.get(&o.address) {
                None => Some((o.address.clone(), o.attributes.clone())),
                Some(None) => None,
                Some(Some(names)) => {
                    let mut attrs = o.attributes.clone();
                    attrs.retain(|k, _| !names.contains(k));
                    Some((o.address.clone(), attrs))
                }
            })
            .collect(),
    )
}

/// Evaluates a blueprint during an apply, against the objects as they are at that moment:
/// the attributes a plan left unknown, and the settings of the providers configured
/// during the apply (whose connector masks the sensitive values read then).
pub struct BlueprintEvaluator {
    pub dir: PathBuf,
    pub vars: VarArgs,
}

impl planner::apply::Evaluate for BlueprintEvaluator {
    fn evaluate(&self, state: &State) -> Result<Config, Vec<blueprint::Diagnostic>> {
        let (config, diags, _) = evaluate(&self.dir, &self.vars, known(state));
        if diags.has_errors() {
            Err(diags.into_iter().filter(|d| d.is_error()).collect())
        } else {
            Ok(config)
        }
    }
}

impl Session {
    /// Locks and loads the state of the blueprint in `dir`, with the changes a crashed run
    /// recorded in the journal. Call [`Session::connect`] next.
    pub async fn open(
        dir: &Path,
        args: &StateArgs,
        operation: &str,
        printer: &mut Printer,
    ) -> anyhow::Result<Session> {
        let Target {
            backend,
            workspace,
            sim_dir,
        } = Target::open(dir, args, printer).await?;
        let lock = backend
            .lock(
                &workspace,
                operation,
                lock_timeout(args)?,
                crate::interrupt::flag(),
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if let Some(stale) = &lock.broken_stale {
            printer.warning(&format!(
                "took over a stale state lock held by {} (process {} on {}) for \"{}\", whose {}",
                stale.who,
                stale.pid,
                stale.host,
                stale.operation,
                if stale.expires.is_some() {
                    "lease ended"
                } else {
                    "process no longer runs"
                }
            ));
        }
        let write = Write::under(&lock, operation);
        let loaded = backend
            .load(&workspace)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut state = match loaded {
            Some(state) => state,
            // A new state is written at once, so that its lineage is fixed from the first plan.
            None => {
                let mut state = LocalBackend::new_state();
                backend
                    .save(&workspace, &mut state, &write)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                state
            }
        };
        let recovery = backend
            .recover(&workspace, &mut state)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        planner::state::unseal(&mut state, state_key().as_ref())
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        printer.protect_state(&state);
        let protector = Protector::new(state_key(), &state.lineage);
        Ok(Session {
            dir: dir.to_path_buf(),
            backend,
            workspace,
            sim_dir,
            operation: operation.to_string(),
            state,
            protector,
            providers: Providers::default(),
            sim: None,
            recovery: Some(recovery),
            lock,
        })
    }

    /// Connects the providers the blueprint configures and adopts what a crashed run was
    /// creating when it stopped.
    pub async fn connect(
        &mut self,
        config: Option<&Config>,
        printer: &mut Printer,
    ) -> anyhow::Result<()> {
        let settings = SimConfig {
            protector: self.protector.clone(),
            ..crate::sim_settings::sim_config(config, printer)?
        };
        let sim = Arc::new(
            SimProvider::open(&self.sim_dir, settings).map_err(|e| anyhow::anyhow!("{e}"))?,
        );
        self.providers.insert("sim", sim.clone());
        self.sim = Some(sim);
        self.connect_real(config, printer).await?;
        let Some(recovery) = self.recovery.take() else {
            return Ok(());
        };
        if recovery.applied > 0 || !recovery.pending.is_empty() {
            let adopted = self.adopt(&recovery.pending).await;
            self.save().await?;
            printer.warning(&format!(
                "the previous run stopped before it finished: {} recorded change(s) were restored from the journal, and {adopted} object(s) it was creating were found and adopted",
                recovery.applied
            ));
        }
        Ok(())
    }

    /// Connects every real provider configuration the blueprint's resources or the state's
    /// objects use, with settings from the blueprint, the environment and the defaults;
    /// one whose settings are known only after apply is deferred, for the apply to
    /// connect (`planner::apply::Connect`). Commands without a blueprint (`strata sim`)
    /// need none.
    async fn connect_real(
        &mut self,
        config: Option<&Config>,
        printer: &mut Printer,
    ) -> anyhow::Result<()> {
        let Some(config) = config else {
            return Ok(());
        };
        // The blueprint, for the providers that map resources from it (kubernetes): cloned
        // once, when the first real provider is connected.
        let mut shared = None;
        for (name, resolution) in self.resolve_real(config)? {
            match resolution {
                Resolution::Deferred(deferred) => self.providers.defer(deferred),
                Resolution::Ready(resolved) => {
                    printer.protect(&crate::registry::secrets(&resolved));
                    let shared = shared.get_or_insert_with(|| Arc::new(config.clone()));
                    let provider =
                        crate::registry::connect(&resolved, &self.state.lineage, shared).await?;
                    self.providers.insert(name, provider);
                }
            }
        }
        Ok(())
    }

    /// Defers every real provider configuration whose settings `config` leaves known only
    /// after apply: a plan evaluates the blueprint again with what it replaces unknown,
    /// and a provider configured from a replaced cluster is then configured during the
    /// apply, not with the old cluster's values it was connected with.
    pub fn defer_unknown(&mut self, config: &Config) -> anyhow::Result<()> {
        for (_, resolution) in self.resolve_real(config)? {
            if let Resolution::Deferred(deferred) = resolution {
                self.providers.defer(deferred);
            }
        }
        Ok(())
    }

    /// Every real provider configuration the blueprint's resources or the state's objects
    /// use (not `sim`, which the session opens itself), resolved.
    fn resolve_real(&self, config: &Config) -> anyhow::Result<Vec<(String, Resolution)>> {
        let in_state = self.state.objects.iter().map(|o| o.provider.clone());
        let env = |var: &str| std::env::var(var).ok();
        let mut resolved = Vec::new();
        for name in blueprint::providers::used(config, in_state) {
            if name == "sim" {
                continue;
            }
            if name.starts_with("sim.") {
                bail!(
                    "provider {name}: the simulated datacenter has one configuration only; use `provider = sim`"
                );
            }
            let resolution = blueprint::providers::resolve(config, &name, &env)
                .map_err(|e| anyhow::anyhow!("provider {name}: {e}"))?;
            resolved.push((name, resolution));
        }
        Ok(resolved)
    }

    /// The simulated datacenter (after `connect`).
    pub fn sim(&self) -> anyhow::Result<&Arc<SimProvider>> {
        self.sim
            .as_ref()
            .context("the simulated datacenter is not connected")
    }

    /// Objects a crashed run was creating: adopt those the provider has.
    async fn adopt(&mut self, pending: &[planner::state::Entry]) -> usize {
        let mut adopted = 0;
        for entry in pending
            .iter()
            .filter(|e| e.op == planner::state::Op::Create)
        {
            let Some(provider) = self.providers.get(&entry.provider).cloned() else {
                continue;
            };
            let found = provider
                .find(FindRequest {
                    address: entry.address.clone(),
                    key: entry
                        .key
                        .clone()
                        .unwrap_or_else(|| entry.address.to_string()),
                    kind: entry.kind.clone(),
                })
                .await;
            if let Some((id, attributes)) = found.found {
                // The new object of a create-before-destroy replacement stands beside the old.
                if entry.key.is_none() {
                    self.state.objects.retain(|o| o.address != entry.address);
                }
                self.state.objects.push(Object {
                    address: entry.address.clone(),
                    kind: entry.kind.clone(),
                    provider: entry.provider.clone(),
                    id,
                    attributes,
                    dependencies: entry.dependencies.clone(),
                    created_at: entry.created_at.unwrap_or_else(now),
                    sensitive: entry.sensitive.clone(),
                    prevent_destroy: entry.prevent_destroy,
                });
                adopted += 1;
            }
        }
        adopted
    }

    /// Writes the state, its sensitive values protected, as the workspace's next version
    /// (which empties the journal it now contains).
    pub async fn save(&mut self) -> anyhow::Result<()> {
        let mut protected = planner::state::protect(&self.state, &self.protector);
        self.backend
            .save(
                &self.workspace,
                &mut protected,
                &Write::under(&self.lock, &self.operation),
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        self.state.serial = protected.serial;
        self.state.version = protected.version;
        Ok(())
    }
}

/// Loads a blueprint with variables and the attributes of what exists; its sensitive
/// values are masked in everything `printer` prints from then on.
pub fn load_blueprint(
    dir: &Path,
    vars: &VarArgs,
    known: Arc<Known>,
    printer: &mut Printer,
) -> (Config, Diagnostics, SourceMap) {
    let loaded = evaluate(dir, vars, known);
    printer.protect(&loaded.0.redactor);
    loaded
}

/// Evaluates a blueprint with variables and the attributes of what exists.
fn evaluate(dir: &Path, vars: &VarArgs, known: Arc<Known>) -> (Config, Diagnostics, SourceMap) {
    let mut sources = SourceMap::default();
    let mut diags = Diagnostics::default();
    let mut inputs = crate::vars::inputs(vars, &mut sources, &mut diags);
    inputs.known = known;
    // A bad selection is reported by the commands that open the state.
    inputs.workspace = crate::backend::workspace(dir).unwrap_or_default();
    let (config, more) = blueprint::load(dir, &inputs, &mut sources);
    diags.extend(more);
    diags.normalize(&sources);
    (config, diags, sources)
}
