//! The estimate stage: shares, intervals and significance tests.

pub mod estimate;
pub mod proportion;
pub mod tests;

pub use estimate::{Estimate, EstimateSettings, Group, Kind, estimate};
pub use proportion::{CiMethod, Interval};
