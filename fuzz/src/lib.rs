//! The ingest stage of deptshare (readers, block reader, tally, label checks), compiled from the
//! main crate's sources for fuzzing.
#![allow(dead_code)]

#[path = "../../src/dd.rs"]
pub mod dd;
#[path = "../../src/error.rs"]
pub mod error;
#[path = "../../src/ingest/mod.rs"]
pub mod ingest;
#[path = "../../src/responses.rs"]
pub mod responses;
#[path = "../../src/study_id.rs"]
pub mod study_id;
#[path = "../../src/tally.rs"]
pub mod tally;
#[path = "../../src/taxonomy.rs"]
pub mod taxonomy;
