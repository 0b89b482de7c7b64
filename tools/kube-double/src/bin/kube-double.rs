//! `kube-double [PORT] [KUBECONFIG]`: serves the Kubernetes API server double on
//! 127.0.0.1:PORT (default any free port), writes its kubeconfig to KUBECONFIG (default
//! `./kube-double.kubeconfig`) and runs until interrupted.

use anyhow::Context;
use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
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
    let double = kube_double::KubeDouble::start_on(port).context("starting the double")?;
    kube_double::write_kubeconfig(&double, &path)
        .with_context(|| format!("writing {}", path.display()))?;
    println!("kube-double serving on {}", double.url());
    println!("export KUBECONFIG={}", path.display());
    loop {
        std::thread::park();
    }
}
