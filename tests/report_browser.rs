//! The HTML report in a real browser: headless Chromium loads the reference platform's
//! report without console errors, its DOM holds the five SVG charts, and a screenshot is
//! written; at 1280 and 390 px wide the page does not overflow and the charts stay
//! legible (a screenshot at each width), and it prints to PDF; its first page, before
//! any chart, names the failing domains with their reasons and the overloads. Skipped, with the reason printed, only when /usr/bin/chromium is absent (CI
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

/// The reference platform's HTML report (`site_loss`, 4 replications), as
/// `dir/report.html`.
fn write_report(dir: &Path) -> PathBuf {
    let page = dir.join("report.html");
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
    page
}

#[test]
fn chromium_renders_the_report_with_its_charts() {
    if !Path::new(CHROMIUM).exists() {
        println!("skipped: {CHROMIUM} is absent (apt-get install chromium)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = write_report(dir.path());

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

/// A page that shows the report in a frame `{width}` px wide (headless Chromium's window
/// is at least 500 px wide; a frame has its own viewport, so the report's media queries
/// see `{width}`), sizes the frame to the report's height, and records the frame's
/// viewport width, the report's scroll width and each chart's drawn width against its
/// own in a `<meta id="layout">`.
const FRAME: &str = r#"<!DOCTYPE html>
<html><head><style>body { margin: 0; } iframe { border: 0; display: block; }</style></head>
<body><iframe id="f" src="report.html" style="width: {width}px; height: 900px"></iframe>
<script>
window.addEventListener('load', () => {
  const f = document.getElementById('f');
  const d = f.contentDocument;
  const charts = [...d.querySelectorAll('svg')].map(s =>
    s.getBoundingClientRect().width / s.width.baseVal.value);
  const m = document.createElement('meta');
  m.id = 'layout';
  m.content = JSON.stringify({
    inner: f.contentWindow.innerWidth,
    scroll: d.documentElement.scrollWidth,
    charts,
  });
  document.head.appendChild(m);
  f.style.height = d.documentElement.scrollHeight + 'px';
});
</script></body></html>"#;

/// The frame page for `width` px, beside the report.
fn framed(dir: &Path, width: u32) -> PathBuf {
    let page = dir.join(format!("frame-{width}.html"));
    std::fs::write(&page, FRAME.replace("{width}", &width.to_string())).unwrap();
    page
}

/// The window for a frame of `width` px: Chromium's headless minimum is 500.
fn window(width: u32, height: u32) -> String {
    format!("--window-size={},{height}", width.max(500))
}

/// The layout measured at `width` px.
fn layout(dir: &Path, width: u32) -> serde_json::Value {
    let size = window(width, 900);
    let dom = chromium(
        &dir.join(format!("profile-{width}")),
        &["--dump-dom", "--allow-file-access-from-files", &size],
        &framed(dir, width),
    );
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let out = String::from_utf8_lossy(&dom.stdout);
    let start = out
        .find("id=\"layout\" content=\"")
        .expect("the layout was measured")
        + 21;
    let end = out[start..].find('"').unwrap() + start;
    serde_json::from_str(&out[start..end].replace("&quot;", "\"")).unwrap()
}

#[test]
fn the_report_fits_a_desktop_and_a_phone_and_prints() {
    if !Path::new(CHROMIUM).exists() {
        println!("skipped: {CHROMIUM} is absent (apt-get install chromium)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = write_report(dir.path());
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-browser");
    std::fs::create_dir_all(&shots).unwrap();
    for width in [1280, 390] {
        let l = layout(dir.path(), width);
        assert_eq!(l["inner"], width, "{l}");
        assert!(
            l["scroll"].as_u64().unwrap() <= u64::from(width),
            "the page overflows {width} px: {l}"
        );
        // Charts are drawn at their own size, or scaled down by at most a quarter on a
        // desktop; on a phone they keep their size and scroll within their figure.
        let least = if width >= 1000 { 0.75 } else { 0.99 };
        for scale in l["charts"].as_array().unwrap() {
            assert!(
                scale.as_f64().unwrap() >= least,
                "a chart drawn at {scale} at {width} px: {l}"
            );
        }
        let shot = shots.join(format!("report-{width}.png"));
        let arg = format!("--screenshot={}", shot.display());
        let size = format!("--window-size={width},2400");
        let run = chromium(
            &dir.path().join(format!("shot-{width}")),
            &[&arg, &size],
            &page,
        );
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let png = std::fs::read(&shot).expect("a screenshot is written");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // The PNG's IHDR holds the width.
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), width);
        println!("screenshot at {width} px: {}", shot.display());
    }
    let pdf = dir.path().join("report.pdf");
    let arg = format!("--print-to-pdf={}", pdf.display());
    let run = chromium(
        &dir.path().join("profile-pdf"),
        &[&arg, "--no-pdf-header-footer"],
        &page,
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let bytes = std::fs::read(&pdf).expect("a PDF is written");
    assert!(bytes.starts_with(b"%PDF"));
    let pages = String::from_utf8_lossy(&bytes)
        .matches("/Type /Page\n")
        .count()
        + String::from_utf8_lossy(&bytes)
            .matches("/Type/Page/")
            .count();
    println!("printed: {} bytes, {pages} page object(s)", bytes.len());
}

#[test]
fn the_first_page_names_the_failing_domains_with_reasons_and_the_overloads() {
    if !Path::new(CHROMIUM).exists() {
        println!("skipped: {CHROMIUM} is absent (apt-get install chromium)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = write_report(dir.path());
    let dom = chromium(&dir.path().join("profile-first"), &["--dump-dom"], &page);
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let html = String::from_utf8_lossy(&dom.stdout);
    // The first page comes before the summary and the charts, and holds the findings.
    let start = html
        .find("<div class=\"first-page\">")
        .expect("a first page");
    let end = start + html[start..].find("<h3>Executive summary</h3>").unwrap();
    assert!(start < html.find("<svg").unwrap());
    let first = &html[start..end];
    for expected in [
        "What breaks and why",
        "Losing site site.dc1 (18 hosts) stops every production service (15) for 6 h",
        "site site.dc1 (18 hosts): fails",
        "vm.core_banking[0]: not restarted, no host of its pool survives",
        "module.prod.kubernetes_cluster.this: control plane lost quorum",
        "storage.ceph: unavailable: placement groups below min_size stop I/O (2 of 6 hosts down)",
        "rack rack.dc1[0] (6 hosts): fails",
        "service.customer_portal</span> is overloaded after losing rack rack.dc1[3]",
        "Non-production (environments, dev, test, staging), listed apart",
    ] {
        assert!(
            first.contains(expected),
            "{expected} not on the first page:\n{first}"
        );
    }
    // The environments are listed apart, never among production's reasons.
    let production = &first[..first.find("Non-production (environments").unwrap()];
    assert!(!production.contains("environment.uat"), "{production}");
    assert!(first.contains("environment.uat/service.customer_portal"));
}
