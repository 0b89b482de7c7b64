//! Server-side apply of one resource's manifests with the field manager `strata`, then
//! the wait for its Deployments and StatefulSets to be available.

use kube::api::{Patch, PatchParams};
use planner::provider::Progress;

use crate::live::error::LiveError;
use crate::live::objects;
use crate::live::rollout;
use crate::live::settings::Settings;
use crate::manifest::Manifest;

/// The field manager of everything Strata applies.
pub const FIELD_MANAGER: &str = "strata";

/// Applies `manifests` in order (namespaces come first in them). A conflict with another
/// field manager is forced only when the settings say so, or when every conflicting field
/// is one of `approved` (fields whose change back the approved plan shows as drift, such
/// as `.spec.replicas` after a scale by hand); otherwise it is an error naming the
/// object, the fields and the other manager. The rollout waits report to `progress`.
pub async fn apply(
    client: &kube::Client,
    settings: &Settings,
    manifests: &[Manifest],
    approved: &[&str],
    progress: &Progress,
) -> Result<(), LiveError> {
    for manifest in manifests {
        apply_one(client, settings, manifest, approved).await?;
    }
    for manifest in manifests {
        if matches!(manifest.kind(), "Deployment" | "StatefulSet") {
            rollout::wait(
                client,
                &objects::reference(manifest),
                settings.rollout_timeout,
                progress,
            )
            .await?;
        }
    }
    Ok(())
}

async fn apply_one(
    client: &kube::Client,
    settings: &Settings,
    manifest: &Manifest,
    approved: &[&str],
) -> Result<(), LiveError> {
    let object = objects::reference(manifest);
    let api = objects::api(client, &object);
    let patch = |force: bool| {
        let mut params = PatchParams::apply(FIELD_MANAGER);
        params.force = force;
        params
    };
    let first = api
        .patch(
            &object.name,
            &patch(settings.force_conflicts),
            &Patch::Apply(&manifest.object),
        )
        .await
        .map_err(|e| LiveError::call(&object, e));
    match first {
        Ok(_) => Ok(()),
        Err(e) => {
            let fields = e.conflict_fields();
            if fields.is_empty() || !fields.iter().all(|f| is_approved(f, approved)) {
                return Err(e);
            }
            api.patch(&object.name, &patch(true), &Patch::Apply(&manifest.object))
                .await
                .map(|_| ())
                .map_err(|e| LiveError::call(&object, e))
        }
    }
}

/// Whether conflicting `field` is one of `approved` or inside one: the double names a
/// whole list (`.spec.template.spec.containers`), a real server an item's field
/// (`.spec.template.spec.containers[name="web"].image`).
pub fn is_approved(field: &str, approved: &[&str]) -> bool {
    approved.iter().any(|a| {
        field
            .strip_prefix(a)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['[', '.']))
    })
}
