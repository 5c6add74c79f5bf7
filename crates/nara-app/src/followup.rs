//! The use cases of the two other follow-up methods on [`App`]: aktiviteter and lokala planer,
//! and the nyckeltal. (Split from `app.rs` by concern; the same one door.)

use std::path::PathBuf;
use std::sync::Arc;

use nara_core::indicator::Catalogue;
use nara_core::round::Date;
use nara_core::{OrgCode, RoundId};

use crate::app::App;
use crate::cache::Snapshot;
use crate::indicator_view::Nyckeltal;
use crate::{Result, activities, indicator_view, indicators};

impl App {
    // ----- aktiviteter and lokala planer -----

    /// Checks plans, activities and follow-ups and stores them whole (see
    /// [`activities::save`]); the field problems when any.
    pub async fn save_activities(
        &self,
        batch: &nara_store::ActivityBatch,
        actor: &str,
    ) -> Result<std::result::Result<nara_store::BatchChanges, Vec<activities::RecordProblem>>> {
        activities::save(self.store.as_ref(), batch, actor).await
    }

    /// A round's follow-up of an activity, which also sets its status.
    pub async fn follow_up_activity(
        &self,
        activity: &nara_core::activity::RecordId,
        round: RoundId,
        status: nara_core::activity::ActivityStatus,
        comment: &str,
        actor: &str,
    ) -> Result<std::result::Result<nara_store::BatchChanges, Vec<activities::RecordProblem>>> {
        activities::follow_up(self.store.as_ref(), activity, round, status, comment, actor).await
    }

    /// The plans, activities and follow-ups of an organisation (all when `None`).
    pub async fn activities(&self, org: Option<&OrgCode>) -> Result<activities::Overview> {
        activities::overview(self.store.as_ref(), org).await
    }

    /// The activities of an organisation (all when `None`) as CSV, "försenad" as of today.
    pub async fn export_activities_csv(&self, org: Option<&OrgCode>) -> Result<Vec<u8>> {
        activities::export_csv(self.store.as_ref(), org, self.today()?).await
    }

    /// Reads activities (or plans, told apart by the headers) from CSV and stores them whole, or
    /// nothing with every problem.
    pub async fn import_activities_csv(
        &self,
        bytes: &[u8],
        actor: &str,
    ) -> Result<activities::FileOutcome> {
        activities::import_csv(self.store.as_ref(), bytes, actor).await
    }

    /// The plans an organisation is a party to (all when `None`) as CSV.
    pub async fn export_plans_csv(&self, org: Option<&OrgCode>) -> Result<Vec<u8>> {
        activities::export_plans_csv(self.store.as_ref(), org).await
    }

    /// The activities of an organisation and the plans it is a party to (all when `None`) as a
    /// workbook in long format, "försenad" as of today.
    pub async fn export_activities_xlsx(&self, org: Option<&OrgCode>) -> Result<Vec<u8>> {
        activities::export_xlsx(self.store.as_ref(), org, self.today()?).await
    }

    /// Reads activities and plans from a workbook in long format and stores them in one batch,
    /// or nothing with every problem.
    pub async fn import_activities_xlsx(
        &self,
        file_name: &str,
        bytes: &[u8],
        actor: &str,
    ) -> Result<activities::FileOutcome> {
        activities::import_xlsx(self.store.as_ref(), file_name, bytes, actor).await
    }

    /// Today's date by the store's clock, in Swedish local time.
    pub fn today(&self) -> Result<Date> {
        Ok(Date::of_ms_local(self.now()))
    }

    /// The given activities (a filtered list the caller may show) as CSV like
    /// [`App::export_activities_csv`], "försenad" as of today.
    pub fn activities_csv(&self, list: &[nara_core::activity::Activity]) -> Result<Vec<u8>> {
        Ok(nara_excel::activities::write_csv(list, self.today()?))
    }

    // ----- nyckeltal -----

    /// The nyckeltal (the catalogue and its values) under a snapshot, loaded once per stamp.
    pub async fn nyckeltal(&self, snap: &Snapshot) -> Result<Arc<Nyckeltal>> {
        self.reports.nyckeltal(self.store.as_ref(), snap).await
    }

    /// The county's catalogue of indicators: the stored one, else the embedded Dalarna one.
    pub async fn catalogue(&self) -> Result<Catalogue> {
        indicator_view::catalogue(self.store.as_ref()).await
    }

    /// Checks a catalogue (TOML) against the instrument it names and stores it; audited.
    pub async fn store_catalogue(&self, toml: &str, actor: &str) -> Result<Catalogue> {
        indicator_view::store_catalogue(self.store.as_ref(), toml, actor).await
    }

    /// Fetches the catalogue's indicators from Kolada (see [`indicators::sync`]) for every
    /// organisation and the country, and stores them; audited.
    pub async fn sync_indicators(
        &self,
        opts: &indicators::SyncOptions,
        actor: &str,
    ) -> Result<indicators::SyncReport> {
        let orgs = self.store.organisations().await?;
        let catalogue = self.catalogue().await?;
        indicators::sync(self.store.as_ref(), &catalogue, &orgs, opts, actor).await
    }

    /// Reads indicator files and stores each whole or not at all (see
    /// [`indicators::import_files`]).
    pub async fn import_indicator_files(
        &self,
        paths: &[PathBuf],
        actor: &str,
    ) -> Result<Vec<indicators::FileReport>> {
        let catalogue = self.catalogue().await?;
        indicators::import_files(self.store.as_ref(), &catalogue, paths, actor).await
    }

    /// The Excel template for the catalogue's local indicators, with a row per indicator,
    /// organisation of its level and year (see [`nara_excel::indicators::write_template`]).
    pub async fn indicator_template(&self, years: &[u16]) -> Result<Vec<u8>> {
        let catalogue = self.catalogue().await?;
        let orgs = self.store.organisations().await?;
        nara_excel::indicators::write_template(&catalogue, &orgs, years)
            .map_err(|e| crate::Error::Invalid(e.to_string()))
    }

    /// Reads uploaded indicator files (name, bytes) and stores each whole or not at all.
    pub async fn import_indicator_uploads(
        &self,
        files: &[(String, Vec<u8>)],
        actor: &str,
    ) -> Result<Vec<indicators::FileReport>> {
        let catalogue = self.catalogue().await?;
        let mut out = Vec::new();
        for (name, bytes) in files {
            out.push(
                indicators::import_bytes(self.store.as_ref(), &catalogue, name, bytes, actor)
                    .await?,
            );
        }
        Ok(out)
    }

    /// The stored values of the given indicators (all when empty).
    pub async fn indicator_values(&self, kpis: &[&str]) -> Result<Vec<nara_store::StoredValue>> {
        Ok(self.store.indicator_values(kpis).await?)
    }
}
