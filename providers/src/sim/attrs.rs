//! Reading the attributes the planner sends: typed values out of JSON.
//!
//! Attributes arrive as `Fields::to_json` writes them: sizes and durations as canonical
//! strings (`"4GiB"`, `"30s"`), references as addresses (`"host_pool.prod"`), nested blocks
//! as arrays of objects (labelled ones with a `"_label"` key). A [`Reader`] reads one
//! object (a resource's attributes or one nested block) and turns a missing or malformed
//! value into a diagnostic that names the attribute.

use std::net::IpAddr;

use blueprint::units::{parse_duration, parse_size};
use blueprint::{Address, Diagnostic};
use ipnet::IpNet;
use serde_json::{Map, Value};

/// The attributes of one object, or of one of its nested blocks.
#[derive(Clone, Copy)]
pub(crate) struct Reader<'a> {
    owner: &'a Address,
    block: Option<&'a str>,
    attrs: &'a Map<String, Value>,
}

impl<'a> Reader<'a> {
    /// The attributes of `owner`.
    pub fn new(owner: &'a Address, attrs: &'a Map<String, Value>) -> Reader<'a> {
        Reader {
            owner,
            block: None,
            attrs,
        }
    }

    /// The first nested block of a type, if any.
    pub fn block(&self, name: &'a str) -> Option<Reader<'a>> {
        self.blocks(name).into_iter().next()
    }

    /// All nested blocks of a type.
    pub fn blocks(&self, name: &'a str) -> Vec<Reader<'a>> {
        let items: Vec<&Map<String, Value>> = match self.attrs.get(name) {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_object).collect(),
            Some(Value::Object(map)) => vec![map],
            _ => Vec::new(),
        };
        items
            .into_iter()
            .map(|attrs| Reader {
                owner: self.owner,
                block: Some(name),
                attrs,
            })
            .collect()
    }

    /// The value of an attribute; `None` when absent or null.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        self.attrs.get(name).filter(|v| !v.is_null())
    }

    /// Its label, for a labelled block.
    pub fn label(&self) -> Option<&'a str> {
        self.get("_label").and_then(Value::as_str)
    }

    fn path(&self, name: &str) -> String {
        match self.block {
            Some(block) => format!("{block}.{name}"),
            None => name.to_string(),
        }
    }

    fn invalid(&self, name: &str, expected: &str, value: &Value) -> Diagnostic {
        Diagnostic::error(
            None,
            format!("Invalid \"{}\" for {}", self.path(name), self.owner),
            format!(
                "The simulated datacenter expected {expected} for \"{}\" of {}, but got {value}.",
                self.path(name),
                self.owner
            ),
        )
    }

    /// A required value: a diagnostic when it is missing.
    pub fn required<T>(
        &self,
        name: &str,
        value: Result<Option<T>, Diagnostic>,
    ) -> Result<T, Diagnostic> {
        value?.ok_or_else(|| {
            Diagnostic::error(
                None,
                format!("Missing \"{}\" for {}", self.path(name), self.owner),
                format!(
                    "The simulated datacenter needs \"{}\" to create {} {}; set it in the blueprint.",
                    self.path(name),
                    self.owner.kind,
                    self.owner
                ),
            )
        })
    }

    /// A string.
    pub fn string(&self, name: &str) -> Result<Option<&'a str>, Diagnostic> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.invalid(name, "a string", other)),
        }
    }

    /// A whole number that is zero or more.
    pub fn count(&self, name: &str) -> Result<Option<u64>, Diagnostic> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => whole(v)
                .ok_or_else(|| self.invalid(name, "a whole number of zero or more", v))
                .map(Some),
        }
    }

    /// A number.
    pub fn number(&self, name: &str) -> Result<Option<f64>, Diagnostic> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_f64()
                .filter(|n| n.is_finite() && *n >= 0.0)
                .ok_or_else(|| self.invalid(name, "a number of zero or more", v))
                .map(Some),
        }
    }

    /// CPU in millicores: a number of cores (`2`, `0.5`) or millicores (`"500m"`).
    pub fn millicores(&self, name: &str) -> Result<Option<u64>, Diagnostic> {
        let Some(v) = self.get(name) else {
            return Ok(None);
        };
        let cores = match v {
            Value::String(s) => match s.strip_suffix('m') {
                Some(milli) => milli.parse::<f64>().ok().map(|m| m / 1000.0),
                None => s.parse::<f64>().ok(),
            },
            other => other.as_f64(),
        };
        cores
            .filter(|c| c.is_finite() && *c >= 0.0)
            .map(|c| Some((c * 1000.0).round() as u64))
            .ok_or_else(|| self.invalid(name, "a number of CPU cores such as 2 or \"500m\"", v))
    }

    /// A size in bytes.
    pub fn size(&self, name: &str) -> Result<Option<u64>, Diagnostic> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => parse_size(s).map(Some).map_err(|_| {
                self.invalid(name, "a size such as \"4GiB\"", &Value::String(s.clone()))
            }),
            Some(v) => whole(v)
                .ok_or_else(|| self.invalid(name, "a size such as \"4GiB\"", v))
                .map(Some),
        }
    }

    /// A duration in milliseconds.
    pub fn duration(&self, name: &str) -> Result<Option<u64>, Diagnostic> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => parse_duration(s).map(Some).map_err(|_| {
                self.invalid(
                    name,
                    "a duration such as \"30s\"",
                    &Value::String(s.clone()),
                )
            }),
            Some(v) => whole(v)
                .ok_or_else(|| self.invalid(name, "a duration such as \"30s\"", v))
                .map(Some),
        }
    }

    /// A reference, as the canonical text of the address it names.
    pub fn reference(&self, name: &str) -> Result<Option<String>, Diagnostic> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => {
                s.parse::<Address>()
                    .map(|a| Some(a.to_string()))
                    .map_err(|_| {
                        self.invalid(
                            name,
                            "a reference such as \"host_pool.prod\"",
                            &Value::String(s.clone()),
                        )
                    })
            }
            Some(v) => Err(self.invalid(name, "a reference such as \"host_pool.prod\"", v)),
        }
    }

    /// A list of strings (references, names).
    pub fn strings(&self, name: &str) -> Result<Vec<String>, Diagnostic> {
        match self.get(name) {
            None => Ok(Vec::new()),
            Some(Value::String(s)) => Ok(vec![s.clone()]),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| self.invalid(name, "a list of strings", v))
                })
                .collect(),
            Some(v) => Err(self.invalid(name, "a list of strings", v)),
        }
    }

    /// An IP address.
    pub fn ip(&self, name: &str) -> Result<Option<IpAddr>, Diagnostic> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_str()
                .and_then(|s| s.parse().ok())
                .map(Some)
                .ok_or_else(|| self.invalid(name, "an IP address such as \"10.0.0.10\"", v)),
        }
    }

    /// A network.
    pub fn cidr(&self, name: &str) -> Result<Option<IpNet>, Diagnostic> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_str()
                .and_then(|s| s.parse().ok())
                .map(Some)
                .ok_or_else(|| self.invalid(name, "a network such as \"10.20.0.0/16\"", v)),
        }
    }
}

/// A JSON number that is a whole number of zero or more.
fn whole(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| {
        v.as_f64()
            .filter(|f| f.is_finite() && *f >= 0.0 && f.fract() == 0.0 && *f < 1.8e19)
            .map(|f| f as u64)
    })
}
