//! Providers configured during the apply: a configuration whose settings read what the
//! apply creates (a cluster's endpoint) is connected when its first operation becomes
//! ready, once, with the blueprint evaluated against the state as it is then, as Terraform
//! configures such a provider in its apply walk.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use blueprint::{Config, Diagnostic};

use super::Evaluate;
use crate::provider::{Provider, Providers};
use crate::state::State;

/// Connects a provider configuration during an apply.
#[async_trait]
pub trait Connect: Send + Sync {
    /// Connects configuration `name` (`kubernetes.prod`) with its settings as `config`,
    /// the blueprint evaluated against what exists now, gives them; the error says why it
    /// cannot (a setting still unknown, a server that does not answer). The sensitive
    /// settings it obtains are registered with whatever masks output before it returns:
    /// from then on an error or a progress line can quote them.
    async fn connect(&self, name: &str, config: &Config) -> Result<Arc<dyn Provider>, String>;
}

/// For applies with no provider to configure (and tests): connecting is an error.
pub struct NoConnection;

#[async_trait]
impl Connect for NoConnection {
    async fn connect(&self, name: &str, _config: &Config) -> Result<Arc<dyn Provider>, String> {
        Err(format!(
            "this apply cannot configure provider {name}: it was started without the blueprint to configure it from"
        ))
    }
}

/// What the walk needs for values known only after apply: the blueprint's attributes
/// ([`Evaluate`]) and the providers configured late ([`Connect`]).
#[derive(Clone, Copy)]
pub struct Late<'a> {
    /// Evaluates the blueprint against the state of the moment.
    pub evaluator: &'a dyn Evaluate,
    /// Connects a deferred provider configuration.
    pub connector: &'a dyn Connect,
}

impl Late<'static> {
    /// For applies whose plan has nothing known only after apply (and tests): evaluating
    /// and connecting are errors.
    pub const NONE: Late<'static> = Late {
        evaluator: &super::NoEvaluation,
        connector: &NoConnection,
    };
}

/// The providers of a walk: those of the run, and the deferred ones as they get
/// connected, or why they could not be.
pub(super) struct Connections {
    pub providers: Providers,
    failed: HashMap<String, Vec<Diagnostic>>,
}

impl Connections {
    pub fn new(providers: &Providers) -> Self {
        Connections {
            providers: providers.clone(),
            failed: HashMap::new(),
        }
    }

    /// Why configuration `name` could not be connected, when it could not.
    pub fn failure(&self, name: &str) -> Option<&Vec<Diagnostic>> {
        self.failed.get(name)
    }

    /// Connects each deferred configuration among `names` not tried yet: one evaluation
    /// of the blueprint against `state` for all of them, then one connection each.
    pub async fn connect<'n>(
        &mut self,
        names: impl IntoIterator<Item = &'n str>,
        late: &Late<'_>,
        state: &State,
    ) {
        let due: BTreeSet<&str> = names
            .into_iter()
            .filter(|n| {
                self.providers.get(n).is_none()
                    && self.providers.deferred(n).is_some()
                    && !self.failed.contains_key(*n)
            })
            .collect();
        if due.is_empty() {
            return;
        }
        let config = late.evaluator.evaluate(state);
        for name in due {
            let why = |detail: String| {
                vec![Diagnostic::error(
                    None,
                    format!("Provider {name} could not be configured"),
                    detail,
                )]
            };
            match &config {
                Err(diags) => {
                    let reasons: Vec<&str> = diags.iter().map(|d| d.summary.as_str()).collect();
                    self.failed.insert(
                        name.to_string(),
                        why(format!(
                            "The blueprint its settings come from could not be evaluated: {}",
                            reasons.join("; ")
                        )),
                    );
                }
                Ok(config) => match late.connector.connect(name, config).await {
                    Ok(provider) => self.providers.insert(name, provider),
                    Err(e) => {
                        self.failed.insert(name.to_string(), why(e));
                    }
                },
            }
        }
    }
}
