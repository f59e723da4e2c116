//! The yearly report: its content, and the HTML page opened in headless Chromium with no network.

use std::path::Path;
use std::process::Command;

use crate::*;

fn chromium() -> String {
    std::env::var("DEPTSHARE_CHROMIUM").unwrap_or_else(|_| "chromium".to_string())
}

/// Headless Chromium with every request off the machine refused, as the env notes advise.
fn headless(profile: &Path) -> Command {
    let mut command = Command::new(chromium());
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--proxy-server=127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

fn report_in(dir: &Path) -> std::path::PathBuf {
    let out = deptshare(&["report", "--out", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    dir.join("report.html")
}

#[test]
fn report_writes_html_and_markdown_with_the_headline_and_every_section() {
    let dir = tempfile::tempdir().unwrap();
    let html = std::fs::read_to_string(report_in(dir.path())).unwrap();
    let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    for text in [&html, &md] {
        assert!(text.contains("Marketing leads with 35.0%"), "{text}");
        assert!(text.contains("Marketing + PR together account for 56.0%"), "{text}");
        for section in ["Headline", "Published figures", "Method", "Provenance"] {
            assert!(text.contains(section), "{section} missing");
        }
        assert!(text.contains("All 17 published figures are reproduced"), "{text}");
        assert!(text.contains("SHA-256"));
    }
    assert!(md.contains("](charts/econsultancy-bar.en.svg)"), "{md}");
    assert!(dir.path().join("charts/econsultancy-bar.en.svg").is_file());
    assert_eq!(html.matches("<svg").count(), html.matches("<figure").count());
    assert!(html.matches("<svg").count() >= 3);
    for outside in ["src=\"http", "href=\"http", "url(http", "@import", "<script", "<link"] {
        assert!(!html.contains(outside), "the page must not load {outside}");
    }
}

#[test]
fn report_for_an_earlier_wave_compares_with_the_wave_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = deptshare(&["report", "--wave", "2021", "--out", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(md.contains("**Demo tracker (synthetic), 2021**"), "{md}");
    assert!(md.contains("Since 2020 their share moved by"), "{md}");
    let out = deptshare(&["report", "--wave", "1990", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no study has wave 1990"), "{}", stderr(&out));
}

#[test]
fn the_html_report_renders_in_chromium_without_the_network() {
    let dir = tempfile::tempdir().unwrap();
    let page = report_in(dir.path());
    let html = std::fs::read_to_string(&page).unwrap();
    let (shot, netlog) = (dir.path().join("shot.png"), dir.path().join("net.json"));
    let out = headless(&dir.path().join("profile"))
        .args(["--window-size=1240,20000", &format!("--screenshot={}", shot.display())])
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap_or_else(|e| panic!("{} did not start ({e}); scripts/test installs chromium", chromium()));
    assert!(
        shot.is_file(),
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let (width, rows) = decode_rgb(&shot);
    assert_eq!(width, 1240);
    let inked: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.iter().any(|p| *p < 200))
        .map(|(i, _)| i)
        .collect();
    let content_height = inked.last().copied().unwrap_or(0);
    assert!(
        inked.len() > 1500,
        "the page looks blank: {} rows with ink",
        inked.len()
    );
    assert!(
        (3000..19900).contains(&content_height),
        "content ends at {content_height} px"
    );

    let dom = headless(&dir.path().join("profile2"))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert_eq!(
        dom.matches("<svg").count(),
        html.matches("<svg").count(),
        "every chart is in the rendered page"
    );
    assert_eq!(page_requests(&netlog), Vec::<String>::new(), "requests left the page");
}

/// The detector above finds a request the page makes (so its silence means something).
#[test]
fn the_request_detector_sees_a_page_that_loads_from_the_network() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("leaky.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><p>x</p><img src=\"http://deptshare.invalid/pixel.png\">",
    )
    .unwrap();
    let netlog = dir.path().join("net.json");
    headless(&dir.path().join("profile"))
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap_or_else(|e| panic!("{} did not start ({e}); scripts/test installs chromium", chromium()));
    assert_eq!(
        page_requests(&netlog),
        vec!["http://deptshare.invalid/pixel.png".to_string()]
    );
}

/// URLs the page itself asked for: network requests with an initiator. Chromium's own
/// background requests (updates, time, accounts) carry "not an origin" and are not the page's.
fn page_requests(netlog: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(netlog).unwrap_or_else(|e| panic!("{}: {e}", netlog.display()));
    let log: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|_| {
        // Chromium may stop before closing the JSON; close it the way its own viewer does.
        let trimmed = text.trim_end().trim_end_matches(',');
        serde_json::from_str(&format!("{trimmed}]}}")).expect("net log is JSON")
    });
    let start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
        .as_i64()
        .expect("event type");
    let mut urls: Vec<String> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"].as_i64() == Some(start_job))
        .filter(|e| e["params"]["initiator"].as_str() != Some("not an origin"))
        .filter_map(|e| e["params"]["url"].as_str().map(str::to_string))
        .collect();
    urls.dedup();
    urls
}

/// Rows of grey levels (the minimum of R, G and B) of a PNG.
fn decode_rgb(path: &Path) -> (usize, Vec<Vec<u8>>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let width = info.width as usize;
    let rows = buf[..info.buffer_size()]
        .chunks(width * channels)
        .map(|row| {
            row.chunks(channels)
                .map(|p| p[..3.min(channels)].iter().copied().min().unwrap_or(255))
                .collect()
        })
        .collect();
    (width, rows)
}

#[test]
fn published_tables_are_input_with_intervals_only_where_n_is_known() {
    let out = deptshare(&[
        "shares",
        "data/published/single-year-2009-2013.csv",
        "--format-in",
        "aggregate",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = json(&out);
    let find = |study: &str, category: &str| {
        results["estimates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["study"] == study && e["category"] == category)
            .unwrap_or_else(|| panic!("no {study} {category}"))
            .clone()
    };
    let strongmail = find("strongmail", "marketing");
    assert_eq!(strongmail["share"], 0.36);
    assert!(
        strongmail["ci_low"].is_null() && strongmail["n"].is_null(),
        "no n, no interval: {strongmail}"
    );
    let pr = find("ipressroom", "pr");
    assert_eq!(pr["n"], 278);
    assert_eq!(pr["count"], 142);
    assert!(pr["ci_low"].as_f64().unwrap() < 0.51 && pr["ci_high"].as_f64().unwrap() > 0.51);
    let marketing = find("ipressroom", "marketing");
    assert!(
        marketing["count"].is_null(),
        "40.5 % of 278 is no whole count: {marketing}"
    );
    let message = stderr(&out);
    assert!(message.contains("single-year-2009-2013.csv:"), "{message}");
    assert!(
        message.contains("40.5 % of n = 278 is 112.59 respondents, and no whole count gives 40.5 %"),
        "{message}"
    );
    assert!(results["warnings"][0].as_str().unwrap().contains("inconsistent"));
    let communications = find("altimeter", "communications");
    assert_eq!(communications["share"], 0.66, "single choice: the group is the sum");
}

#[test]
fn count_tables_give_n_and_trends() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("counts.csv");
    std::fs::write(
        &table,
        "wave,category,count\n2020,Marketing,30\n2020,PR,20\n2020,HR,50\n2021,Marketing,45\n2021,PR,15\n2021,HR,40\n",
    )
    .unwrap();
    let out = deptshare(&[
        "trend",
        table.to_str().unwrap(),
        "--format-in",
        "aggregate",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = json(&out);
    assert_eq!(estimate(&results, 2020, "marketing")["n"], 100);
    let change = results["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == "marketing")
        .unwrap()
        .clone();
    close(&change["diff"], 0.15, 1e-12);
    assert!(change["p_value"].as_f64().unwrap() < 0.05);
}

#[test]
fn reconstruct_gives_the_table_back() {
    let dir = tempfile::tempdir().unwrap();
    let rows = dir.path().join("creative.csv");
    let table = "data/published/creative-group-2013-2015.csv";
    let out = deptshare(&["reconstruct", table, "--out", rows.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "no n published and none assumed");
    assert!(stderr(&out).contains("has no n; pass --n"), "{}", stderr(&out));

    let out = deptshare(&["reconstruct", table, "--n", "200", "--out", rows.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&rows).unwrap();
    assert!(text.starts_with("# RECONSTRUCTED respondent rows"), "{text}");
    assert!(text.contains("n = 200 ASSUMED (not published)"), "{text}");
    let out = deptshare(&[
        "shares",
        rows.to_str().unwrap(),
        "--dept-col",
        "department",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = json(&out);
    let published = std::fs::read_to_string(root().join(table)).unwrap();
    for line in published.lines().filter(|l| l.starts_with("creative-group,")) {
        let cells: Vec<&str> = line.split(',').collect();
        let (wave, category, percent) = (
            cells[1].parse::<i64>().unwrap(),
            cells[2],
            cells[4].parse::<f64>().unwrap(),
        );
        let share = results["estimates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["wave"] == wave && e["category"] == category)
            .map_or(0.0, |e| e["share"].as_f64().unwrap());
        assert_eq!((share * 100.0).round(), percent, "{wave} {category}");
    }
}
