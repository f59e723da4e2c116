//! Writes the bundled made-up data: `cargo run --example generate_data` (from the repository root).

use deptshare::demo;

fn main() -> std::io::Result<()> {
    std::fs::write(
        "data/surveys/econsultancy-2010-reconstructed.csv",
        demo::econsultancy_reconstruction(),
    )?;
    std::fs::write("data/surveys/demo-tracker.csv", demo::demo_tracker(demo::DEMO_SEED))?;
    println!("wrote data/surveys/econsultancy-2010-reconstructed.csv and data/surveys/demo-tracker.csv");
    Ok(())
}
