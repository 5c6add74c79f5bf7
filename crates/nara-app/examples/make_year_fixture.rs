//! Writes the demo's årsrapport (seed 2026, year 2026, the draft with the demo's texts) as a
//! PDF and its Excel appendix to the paths given, for `fixtures/exports/` (run by
//! `cargo xtask fixtures`), so people can read one without running anything.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(pdf), Some(xlsx)) = (args.next(), args.next()) else {
        return Err("usage: make_year_fixture OUT.pdf OUT.xlsx".into());
    };
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
        let which = nara_app::yearly_files::Which {
            year: 2026,
            draft: true,
            public_only: false,
        };
        for (out, (_, bytes)) in [
            (&pdf, app.year_report_pdf(which).await?),
            (&xlsx, app.year_report_xlsx(which).await?),
        ] {
            if let Some(parent) = std::path::Path::new(out).parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(out, bytes)?;
            eprintln!("wrote {out}");
        }
        Ok(())
    })
}
