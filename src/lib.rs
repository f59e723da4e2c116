//! deptshare: which department drives social media, from survey data to shares, trends, charts and reports.
//!
//! The stages run one way: ingest -> taxonomy (normalize) -> stats (estimate) -> trend (compare)
//! -> chart (render) -> report / reproduce. `commands` wires them for the command line.

pub mod aggregate;
pub mod chart;
pub mod cli;
pub mod commands;
pub mod config;
pub mod dd;
pub mod demo;
pub mod error;
pub mod figures;
pub mod ingest;
pub mod pipeline;
pub mod reconstruct;
pub mod report;
pub mod reproduce;
pub mod responses;
pub mod rng;
pub mod stats;
pub mod study_id;
pub mod tally;
pub mod taxonomy;
pub mod trend;
pub mod weighting;

pub use error::{Error, Result};
