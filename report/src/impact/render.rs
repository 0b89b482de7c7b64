//! The impact as text for a terminal and as Markdown tables for a merge request.

use std::fmt::Write;

use super::{Impact, Pair};

/// `99.95%`, with as many decimals as the figure needs to show its nines.
pub fn percent(x: f64) -> String {
    let p = x * 100.0;
    if p >= 99.99 || p <= 0.01 {
        format!("{p:.4}%")
    } else {
        format!("{p:.2}%")
    }
}

fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "—".to_string())
}

/// `before → after (delta)`, each side formatted by `show`, the delta by `delta`.
fn pair(values: &Pair<f64>, show: impl Fn(f64) -> String, delta: impl Fn(f64) -> String) -> String {
    match values {
        [Some(b), Some(a)] if b == a => show(*b),
        [Some(b), Some(a)] => format!("{} → {} ({})", show(*b), show(*a), delta(a - b)),
        [b, a] => format!("{} → {}", or_dash(b.map(&show)), or_dash(a.map(&show))),
    }
}

fn signed(x: f64, unit: &str, decimals: usize) -> String {
    let sign = if x >= 0.0 { "+" } else { "−" };
    format!("{sign}{:.decimals$}{unit}", x.abs())
}

fn months(m: f64) -> String {
    format!("{m:.1} months")
}

fn runway(values: &Pair<f64>) -> String {
    match values {
        [None, None] => "beyond the projection".into(),
        [b, a] if b == a => or_dash(b.map(months)),
        [b, a] => format!(
            "{} → {}",
            b.map(months).unwrap_or_else(|| "beyond".into()),
            a.map(months).unwrap_or_else(|| "beyond".into())
        ),
    }
}

fn verdict(values: &Pair<String>) -> String {
    format!(
        "{} → {}",
        or_dash(values[0].clone()),
        or_dash(values[1].clone())
    )
}

fn interval(ci: &Option<[f64; 2]>) -> String {
    ci.map_or_else(String::new, |[lo, hi]| {
        format!(" [{}, {}]", percent(lo), percent(hi))
    })
}

fn flag(flagged: bool) -> &'static str {
    if flagged { "⚠️ " } else { "" }
}

fn money(x: f64) -> String {
    let whole = format!("{:.0}", x.abs());
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{}{grouped}", if x < 0.0 { "−" } else { "" })
}

/// One section of the impact: its title, its three column headers, its rows.
type Table = (&'static str, [&'static str; 3], Vec<[String; 3]>);

impl Impact {
    /// One line: the run it is based on.
    fn basis(&self) -> String {
        format!(
            "before: {}; scenario {}, {} replication(s) of {:.1} year(s), seed {}",
            self.base, self.scenario, self.replications, self.horizon_years, self.seed
        )
    }

    /// The rows as (section, cells) with the header of each section.
    fn tables(&self) -> Vec<Table> {
        let capacity = self
            .capacity
            .iter()
            .map(|r| {
                [
                    format!("{}{}", flag(r.flagged), r.name),
                    pair(
                        &r.headroom_percent,
                        |x| format!("{x:.1}%"),
                        |d| signed(d, " pt", 1),
                    ),
                    runway(&r.runway_months),
                ]
            })
            .collect();
        let verdicts = |rows: &[super::VerdictRow]| {
            rows.iter()
                .map(|r| {
                    [
                        format!("{}{}", flag(r.flagged), r.name),
                        verdict(&r.verdict),
                        String::new(),
                    ]
                })
                .collect::<Vec<_>>()
        };
        let availability = self
            .availability
            .iter()
            .map(|r| {
                let side = |i: usize| {
                    r.availability[i].map_or_else(
                        || "—".to_string(),
                        |a| format!("{}{}", percent(a), interval(&r.ci95[i])),
                    )
                };
                let target = r.target.map_or_else(String::new, |t| {
                    let met = |m: Option<bool>| match m {
                        Some(true) => "met",
                        Some(false) => "missed",
                        None => "—",
                    };
                    format!("{} ({} → {})", percent(t), met(r.met[0]), met(r.met[1]))
                });
                [
                    format!("{}{}", flag(r.flagged), r.address),
                    format!("{} → {}", side(0), side(1)),
                    target,
                ]
            })
            .collect();
        let cost = vec![[
            "pools and storage".to_string(),
            pair(&self.cost_per_year, money, |d| {
                format!("{}{}", if d >= 0.0 { "+" } else { "" }, money(d))
            }),
            String::new(),
        ]];
        vec![
            (
                "Capacity headroom and runway",
                ["pool or cluster", "headroom", "runway"],
                capacity,
            ),
            (
                "N+1 per pool",
                ["pool", "one host lost", ""],
                verdicts(&self.n_plus_one),
            ),
            (
                "Failure domains",
                ["domain", "verdict", ""],
                verdicts(&self.domains),
            ),
            (
                "Availability of the services the change touches",
                ["service", "availability [95% interval]", "target"],
                availability,
            ),
            ("Cost per year", ["what", "cost", ""], cost),
        ]
    }

    /// The impact for a terminal.
    pub fn text(&self) -> String {
        let mut out = format!("Impact of this change ({}):\n", self.basis());
        for (title, _, rows) in self.tables() {
            let _ = writeln!(out, "\n  {title}:");
            if rows.is_empty() {
                out.push_str("    no change\n");
            }
            for [a, b, c] in rows {
                let _ = writeln!(
                    out,
                    "    {a}: {b}{}",
                    if c.is_empty() {
                        String::new()
                    } else {
                        format!("; {c}")
                    }
                );
            }
        }
        if self.capacity_unchanged > 0 {
            let _ = writeln!(
                out,
                "\n  ({} pool(s) and cluster(s) unchanged)",
                self.capacity_unchanged
            );
        }
        if self.flags.is_empty() {
            out.push_str("\nNo regression found.\n");
        } else {
            out.push_str("\nRegressions:\n");
            for f in &self.flags {
                let _ = writeln!(out, "  - {f}");
            }
        }
        out
    }

    /// The impact as Markdown: the regressions first, then one table per section (a
    /// section with nothing that changes says so in a line).
    pub fn markdown(&self) -> String {
        let mut out = String::from("### Impact\n\n");
        if self.flags.is_empty() {
            out.push_str("No regression found.\n\n");
        } else {
            for f in &self.flags {
                let _ = writeln!(out, "- ⚠️ **{}**", escape(f));
            }
            out.push('\n');
        }
        for (title, header, rows) in self.tables() {
            if rows.is_empty() {
                let _ = writeln!(out, "**{title}**: no change.\n");
                continue;
            }
            let used: Vec<usize> = (0..3)
                .filter(|&i| !header[i].is_empty() || rows.iter().any(|r| !r[i].is_empty()))
                .collect();
            let _ = writeln!(out, "**{title}**\n");
            let cells = |row: &[String]| {
                used.iter()
                    .map(|&i| escape(&row[i]))
                    .collect::<Vec<_>>()
                    .join(" | ")
            };
            let head: Vec<String> = header.iter().map(|h| h.to_string()).collect();
            let _ = writeln!(out, "| {} |", cells(&head));
            let _ = writeln!(out, "|{}", "---|".repeat(used.len()));
            for row in &rows {
                let _ = writeln!(out, "| {} |", cells(row));
            }
            out.push('\n');
        }
        if self.capacity_unchanged > 0 {
            let _ = writeln!(
                out,
                "{} pool(s) and cluster(s) unchanged.\n",
                self.capacity_unchanged
            );
        }
        let _ = writeln!(out, "<sub>{}</sub>", escape(&self.basis()));
        out
    }
}

/// Text safe in a Markdown table cell: pipes and HTML escaped.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
}
