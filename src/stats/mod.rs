//! The estimate stage: shares, intervals and significance tests, unweighted or under a survey design.

pub mod calibrate;
pub mod covariance;
pub mod design;
pub mod domains;
pub mod estimate;
pub mod group;
pub mod proportion;
pub mod ranks;
pub mod rao_scott;
pub mod segments;
pub mod survey_ci;
pub mod tests;

pub use design::{DesignSpec, LonelyPsu, Waves};
pub use estimate::{Base, Estimate, EstimateSettings, Estimation, Kind, Shown, WaveTest, estimate};
pub use group::{Group, groups_from_args};
pub use proportion::{CiMethod, Interval};
