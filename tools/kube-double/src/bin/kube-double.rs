//! `kube-double [--tls] [PORT] [KUBECONFIG]`: serves the Kubernetes API server double on
//! 127.0.0.1:PORT (default any free port), over HTTPS with a CA it generates when `--tls`
//! is given, writes its kubeconfig to KUBECONFIG (default `./kube-double.kubeconfig`; with
//! `--tls` the CA's PEM beside it, `KUBECONFIG.ca.pem`) and runs until interrupted.

use anyhow::Context;
use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let tls = match args.iter().position(|a| a == "--tls") {
        Some(i) => {
            args.remove(i);
            true
        }
        None => false,
    };
    let mut args = args.into_iter();
    let port: u16 = match args.next() {
        Some(p) => p
            .parse()
            .with_context(|| format!("PORT must be a number from 0 to 65535, not {p:?}"))?,
        None => 0,
    };
    let path = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "kube-double.kubeconfig".into()),
    );
    let mut builder = kube_double::KubeDouble::builder().port(port);
    if tls {
        builder = builder.tls();
    }
    let double = builder.start().context("starting the double")?;
    kube_double::write_kubeconfig(&double, &path)
        .with_context(|| format!("writing {}", path.display()))?;
    println!("kube-double serving on {}", double.url());
    println!("export KUBECONFIG={}", path.display());
    if let Some(pem) = double.ca_pem() {
        let ca = PathBuf::from(format!("{}.ca.pem", path.display()));
        std::fs::write(&ca, pem).with_context(|| format!("writing {}", ca.display()))?;
        println!("CA certificate: {}", ca.display());
    }
    loop {
        std::thread::park();
    }
}
