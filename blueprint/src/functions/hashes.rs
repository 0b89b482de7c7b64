//! Hashes and identifiers: `md5`, `sha1`, `sha256`, `sha512` (hexadecimal),
//! `base64sha256`, `base64sha512`, `bcrypt`, `uuid` and `uuidv5`. Strings are hashed as
//! their UTF-8 bytes. `bcrypt` and `uuid` give a new value at every evaluation, so an
//! attribute set from them changes at every plan, as in Terraform.

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use super::args::{integer, string};
use super::encoding::base64;
use super::{Arity, Function};
use crate::value::Value;

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("md5", Arity::Exact(1), |args| hex_of(Hash::Md5, args)),
    Function::new("sha1", Arity::Exact(1), |args| hex_of(Hash::Sha1, args)),
    Function::new("sha256", Arity::Exact(1), |args| hex_of(Hash::Sha256, args)),
    Function::new("sha512", Arity::Exact(1), |args| hex_of(Hash::Sha512, args)),
    Function::new("base64sha256", Arity::Exact(1), |args| {
        base64_of(Hash::Sha256, args)
    }),
    Function::new("base64sha512", Arity::Exact(1), |args| {
        base64_of(Hash::Sha512, args)
    }),
    Function::new("bcrypt", Arity::Between(1, 2), bcrypt),
    Function::new("uuid", Arity::Exact(0), uuid),
    Function::new("uuidv5", Arity::Exact(2), uuidv5),
];

/// A hash function.
#[derive(Clone, Copy, Debug)]
pub(super) enum Hash {
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

impl Hash {
    /// The digest of some bytes.
    pub(super) fn digest(self, bytes: &[u8]) -> Vec<u8> {
        match self {
            Hash::Md5 => Md5::digest(bytes).to_vec(),
            Hash::Sha1 => Sha1::digest(bytes).to_vec(),
            Hash::Sha256 => Sha256::digest(bytes).to_vec(),
            Hash::Sha512 => Sha512::digest(bytes).to_vec(),
        }
    }
}

/// Bytes as lower-case hexadecimal.
pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex_of(hash: Hash, args: &[Value]) -> Result<Value, String> {
    Ok(Value::string(
        hex(&hash.digest(string(args, 0)?.as_bytes())),
    ))
}

fn base64_of(hash: Hash, args: &[Value]) -> Result<Value, String> {
    Ok(Value::string(base64(
        &hash.digest(string(args, 0)?.as_bytes()),
    )))
}

/// The bcrypt hash of a password with a cost from 4 to 31 (10 by default; below 4, 10 as
/// Go's bcrypt does), in the `$2a$` form Terraform gives.
fn bcrypt(args: &[Value]) -> Result<Value, String> {
    let password = string(args, 0)?;
    let cost = match args.get(1) {
        Some(_) => integer(args, 1)?,
        None => 10,
    };
    let cost = if cost < 4 { 10 } else { cost };
    let cost = u32::try_from(cost)
        .ok()
        .filter(|c| *c <= 31)
        .ok_or_else(|| format!("argument 2 (the cost) must be from 4 to 31, not {cost}"))?;
    let hashed = ::bcrypt::hash_with_result(password.as_bytes(), cost)
        .map_err(|e| format!("bcrypt failed: {e}"))?;
    Ok(Value::string(
        hashed.format_for_version(::bcrypt::Version::TwoA),
    ))
}

fn uuid(_: &[Value]) -> Result<Value, String> {
    Ok(Value::string(::uuid::Uuid::new_v4().to_string()))
}

/// A name-based UUID (version 5) in a namespace: `dns`, `url`, `oid`, `x500`, or a UUID.
fn uuidv5(args: &[Value]) -> Result<Value, String> {
    let namespace = string(args, 0)?;
    let name = string(args, 1)?;
    let space = match &*namespace {
        "dns" => ::uuid::Uuid::NAMESPACE_DNS,
        "url" => ::uuid::Uuid::NAMESPACE_URL,
        "oid" => ::uuid::Uuid::NAMESPACE_OID,
        "x500" => ::uuid::Uuid::NAMESPACE_X500,
        other => ::uuid::Uuid::parse_str(other).map_err(|_| {
            format!("the namespace {other:?} is neither dns, url, oid, x500 nor a UUID")
        })?,
    };
    Ok(Value::string(
        ::uuid::Uuid::new_v5(&space, name.as_bytes()).to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{err, n, ok, s};

    #[test]
    fn digests() {
        assert_eq!(
            ok("md5", &[s("hello world")]),
            s("5eb63bbbe01eeed093cb22bb8f5acdc3")
        );
        assert_eq!(
            ok("sha1", &[s("")]),
            s("da39a3ee5e6b4b0d3255bfef95601890afd80709")
        );
        assert_eq!(
            ok("base64sha256", &[s("hello world")]),
            s("uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=")
        );
    }

    #[test]
    fn bcrypt_verifies() {
        let hashed = ok("bcrypt", &[s("hello"), n(4.0)]);
        let text = hashed.as_str().unwrap_or_default().to_string();
        assert!(text.starts_with("$2a$04$"), "{text}");
        assert_eq!(::bcrypt::verify("hello", &text).ok(), Some(true));
        assert!(err("bcrypt", &[s("x"), n(32.0)]).contains("from 4 to 31"));
    }

    #[test]
    fn uuids() {
        assert_eq!(
            ok("uuidv5", &[s("dns"), s("www.terraform.io")]),
            s("a5008fae-b28c-5ba5-96cd-82b4c53552d6")
        );
        assert_ne!(ok("uuid", &[]), ok("uuid", &[]));
        assert!(err("uuidv5", &[s("bad"), s("x")]).contains("neither dns"));
    }
}
