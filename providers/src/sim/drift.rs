//! What `strata sim drift` accepts: a value the object's kind could hold, checked against
//! the kind's schema as a blueprint's value is (type, unit, bounds), so that the simulated
//! datacenter never holds what no real one could (`replicas = -3`, `memory = "lots"`, an
//! attribute `colour` no kind has).

use blueprint::{Value, schema};

use super::error::SimError;
use super::kinds;
use super::record::Record;

/// Checks a drift of `attr` to `value` on `record`. The attributes the simulated
/// datacenter computes (a VM's host, a service's placement) and those a provider read
/// beyond the schema are taken as they are.
pub(crate) fn check(
    record: &Record,
    attr: &str,
    value: &serde_json::Value,
) -> Result<(), SimError> {
    if kinds::computed(&record.kind).contains(&attr) {
        return Ok(());
    }
    let Some(schema) = schema::kind(&record.kind) else {
        return Ok(());
    };
    let known =
        schema.body.attr(attr).is_some() || schema.body.blocks.iter().any(|b| b.name == attr);
    if !known && record.attrs.contains_key(attr) {
        return Ok(());
    }
    schema
        .check_attribute(attr, &Value::from_json(value))
        .map_err(|problem| {
            let sensitive = record.sensitive.iter().any(|s| s == attr);
            SimError::Refused {
                summary: format!("{} cannot take {attr} = {}", record.address, if sensitive { "(sensitive)".to_string() } else { value.to_string() }),
                detail: if sensitive {
                    format!("\"{attr}\" is not valid for a {}; the value is sensitive, so it is not shown.", record.kind)
                } else {
                    format!("{problem} The simulated datacenter holds only what a {} could.", record.kind)
                },
            }
        })
}
