//! Writes the county summary of the demo (seed 2026, round 2026) to the path given, for
//! `fixtures/exports/` (run by `cargo xtask fixtures`), so people can open one without running
//! anything.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .ok_or("usage: make_summary_fixture OUT.xlsx")?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let dir = tempfile::tempdir()?;
        let app = nara_app::App::open(&format!(
            "sqlite://{}",
            dir.path().join("demo.db").display()
        ))
        .await?;
        app.demo(&nara_app::demo::Options::default()).await?;
        let round = nara_core::RoundId::parse("2026")?;
        if let Some(parent) = std::path::Path::new(&out).parent() {
            std::fs::create_dir_all(parent)?;
        }
        app.export_summary(
            round,
            nara_app::report::Earlier::All,
            false,
            std::fs::File::options()
                .read(true)
                .write(true)
                .create(true)
                .truncate(true)
                .open(&out)?,
        )
        .await?;
        eprintln!("wrote {out}");
        Ok(())
    })
}
