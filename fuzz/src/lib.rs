//! The ingest stage of deptshare (readers, block reader, tally, label checks) and, for the `config`
//! target, the config loader and the aggregate reader with the stats and chart code they check
//! against, compiled from the main crate's sources for fuzzing (no polars).
#![allow(dead_code)]

#[path = "../../src/aggregate.rs"]
pub mod aggregate;
#[path = "../../src/chart/mod.rs"]
pub mod chart;
#[path = "../../src/config.rs"]
pub mod config;
#[path = "../../src/dd.rs"]
pub mod dd;
#[path = "../../src/error.rs"]
pub mod error;
#[path = "../../src/ingest/mod.rs"]
pub mod ingest;
#[path = "../../src/responses.rs"]
pub mod responses;
#[path = "../../src/stats/mod.rs"]
pub mod stats;
#[path = "../../src/rng.rs"]
pub mod rng;
#[path = "../../src/study_id.rs"]
pub mod study_id;
#[path = "../../src/tally.rs"]
pub mod tally;
#[path = "../../src/taxonomy.rs"]
pub mod taxonomy;
#[path = "../../src/weighting.rs"]
pub mod weighting;
