//! What can keep a blueprint's resource from becoming manifests.

use thiserror::Error;

/// A resource that cannot be mapped, or manifests that cannot be written together.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum MapError {
    /// An attribute whose value Kubernetes cannot take (or that is not known yet).
    #[error("{address}: {attribute}: {message}")]
    Attribute {
        /// The resource.
        address: String,
        /// The attribute, as the blueprint writes it (`image`, `volume.size`).
        attribute: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// Two resources whose objects get the same name in the same place.
    #[error(
        "{first} and {second} both make {object}: rename one of them (names are lowered and `_` becomes `-`)"
    )]
    Collision {
        /// The first owner.
        first: String,
        /// The second owner.
        second: String,
        /// The object: `Deployment app-a in cluster c namespace app`.
        object: String,
    },
}

impl MapError {
    /// An attribute error of the resource at `address`.
    pub fn attribute(
        address: &blueprint::Address,
        attribute: &str,
        message: impl Into<String>,
    ) -> MapError {
        MapError::Attribute {
            address: address.to_string(),
            attribute: attribute.to_string(),
            message: message.into(),
        }
    }
}

impl MapError {
    /// As a diagnostic at the attribute's place in the blueprint (its block's for a
    /// nested attribute, the resource's when it is not written).
    pub fn diagnostic(&self, config: &blueprint::Config) -> blueprint::Diagnostic {
        let span = match self {
            MapError::Attribute {
                address, attribute, ..
            } => address
                .parse::<blueprint::Address>()
                .ok()
                .and_then(|a| config.instance(&a))
                .map(|i| {
                    let (head, nested) = attribute.split_once('.').unwrap_or((attribute, ""));
                    let block = (!nested.is_empty()).then(|| i.fields.block(head)).flatten();
                    match block {
                        Some(b) => b.fields.span(nested).unwrap_or(b.span),
                        None => i.fields.span(head).unwrap_or(i.span),
                    }
                }),
            MapError::Collision { .. } => None,
        };
        let summary = match self {
            MapError::Attribute { .. } => "Cannot map to Kubernetes",
            MapError::Collision { .. } => "Two resources make the same Kubernetes object",
        };
        blueprint::Diagnostic::error(span, summary, self.to_string())
    }
}
