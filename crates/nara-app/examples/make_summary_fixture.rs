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
        let store = nara_app::open(&format!(
            "sqlite://{}",
            dir.path().join("demo.db").display()
        ))
        .await?;
        nara_app::demo::run(store.as_ref(), &nara_app::demo::Options::default()).await?;
        let round = nara_core::RoundId::parse("2026")?;
        let (_, bytes) =
            nara_app::exports::summary(store.as_ref(), round, nara_app::report::Earlier::All)
                .await?;
        if let Some(parent) = std::path::Path::new(&out).parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&out, bytes)?;
        eprintln!("wrote {out}");
        Ok(())
    })
}
