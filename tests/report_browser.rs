//! The HTML report in a real browser: headless Chromium loads the reference platform's
//! report without console errors, its DOM holds the five SVG charts, and a screenshot is
//! written. Skipped, with the reason printed, only when /usr/bin/chromium is absent (CI
//! installs it).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CHROMIUM: &str = "/usr/bin/chromium";

fn chromium(profile: &Path, extra: &[&str], page: &Path) -> Output {
    Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs")
}

#[test]
fn chromium_renders_the_report_with_its_charts() {
    if !Path::new(CHROMIUM).exists() {
        println!("skipped: {CHROMIUM} is absent (apt-get install chromium)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args([
            "report",
            "blueprints/reference-platform",
            "--scenario",
            "site_loss",
        ])
        .args([
            "--replications",
            "4",
            "--seed",
            "1",
            "--format",
            "html",
            "-o",
        ])
        .arg(&page)
        .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .output()
        .expect("strata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let dom = chromium(&dir.path().join("profile-dom"), &["--dump-dom"], &page);
    let stderr = String::from_utf8_lossy(&dom.stderr);
    assert!(dom.status.success(), "{stderr}");
    let html = String::from_utf8_lossy(&dom.stdout);
    assert!(html.contains("Executive summary"), "{html}");
    assert_eq!(html.matches("<svg").count(), 5, "{html}");
    assert!(html.contains("<polyline"), "the growth lines");
    assert!(
        !stderr.contains(":CONSOLE(") && !stderr.contains("Uncaught"),
        "console errors: {stderr}"
    );

    let shot = dir.path().join("report.png");
    let arg = format!("--screenshot={}", shot.display());
    let run = chromium(
        &dir.path().join("profile-shot"),
        &[&arg, "--window-size=1280,2000"],
        &page,
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let png = std::fs::read(&shot).expect("a screenshot is written");
    assert!(png.len() > 10_000, "{} bytes", png.len());
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
}
