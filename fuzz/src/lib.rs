//! The ingest stage of deptshare, compiled from the main crate's sources for fuzzing.
#![allow(dead_code)]

#[path = "../../src/error.rs"]
pub mod error;
#[path = "../../src/ingest/mod.rs"]
pub mod ingest;
#[path = "../../src/taxonomy.rs"]
pub mod taxonomy;
