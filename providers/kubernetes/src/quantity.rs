//! Blueprint figures as Kubernetes quantities: CPU in cores or millicores, bytes in the
//! largest binary unit that divides them exactly (Kubernetes' own canonical form).

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

/// Cores as a quantity: `2`, `750m` (rounded up to a millicore, the API's precision).
pub fn cpu(cores: f64) -> Quantity {
    let milli = (cores * 1000.0).ceil().max(0.0) as u64;
    if milli.is_multiple_of(1000) {
        Quantity((milli / 1000).to_string())
    } else {
        Quantity(format!("{milli}m"))
    }
}

/// Bytes as a quantity: `32Gi`, `1536Mi`, `1000` (plain bytes when no unit divides).
pub fn bytes(n: u64) -> Quantity {
    const UNITS: [(&str, u64); 5] = [
        ("Pi", 1 << 50),
        ("Ti", 1 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ];
    for (suffix, size) in UNITS {
        if n >= size && n.is_multiple_of(size) {
            return Quantity(format!("{}{suffix}", n / size));
        }
    }
    Quantity(n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms() {
        assert_eq!(cpu(2.0).0, "2");
        assert_eq!(cpu(0.75).0, "750m");
        assert_eq!(cpu(0.0001).0, "1m");
        assert_eq!(bytes(32 << 30).0, "32Gi");
        assert_eq!(bytes(1536 << 20).0, "1536Mi");
        assert_eq!(bytes(4 << 40).0, "4Ti");
        assert_eq!(bytes(1000).0, "1000");
    }
}
