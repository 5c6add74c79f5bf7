//! The nyckeltal as pages, workbooks and the API show them: the county's catalogue (stored with
//! `nara indicators catalogue`, else the embedded Dalarna one), its values indexed once per data
//! stamp, and the cards and tables of [`nara_core::indicator::view`] for an organisation or the
//! county.

use nara_core::indicator::Catalogue;
use nara_core::indicator::view::{self, Card, Provenance, Table, Values};
use nara_core::{AreaId, OrgKind, Organisation};
use nara_store::Store;

use crate::{Error, Result};

/// The catalogue with its values, as of one data stamp.
#[derive(Debug, Clone)]
pub struct Nyckeltal {
    /// The catalogue.
    pub catalogue: Catalogue,
    /// The stored values of its indicators.
    pub values: Values,
    /// Kolada's id of the county (the region's organisation, `0020` in Dalarna), when the
    /// organisations include a region.
    pub county_place: Option<String>,
}

impl Nyckeltal {
    /// The cards of one delmål for one organisation (see [`view::cards`]); with `public_only`,
    /// only the indicators the catalogue marks public.
    pub fn cards(&self, org: &Organisation, area: &AreaId, public_only: bool) -> Vec<Card> {
        let county = self.county_place.as_deref().unwrap_or("");
        view::cards(
            &self.catalogue,
            &self.values,
            org,
            county,
            area,
            public_only,
        )
    }

    /// The county's table of one delmål (see [`view::table`]).
    pub fn table(&self, orgs: &[Organisation], area: &AreaId, public_only: bool) -> Table {
        view::table(&self.catalogue, &self.values, orgs, area, public_only)
    }

    /// The delmål that indicators follow, in the order they first appear in the catalogue.
    pub fn areas(&self) -> Vec<AreaId> {
        let mut out: Vec<AreaId> = Vec::new();
        for a in self.catalogue.indicators.iter().flat_map(|i| &i.areas) {
            if !out.contains(a) {
                out.push(a.clone());
            }
        }
        out
    }

    /// Whether no value is stored.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// The stored catalogue, or the embedded Dalarna one when none was stored.
pub async fn catalogue(store: &dyn Store) -> Result<Catalogue> {
    Ok(store.catalogue().await?.unwrap_or_else(Catalogue::dalarna))
}

/// The catalogue and its values, for the given organisations.
pub async fn load(store: &dyn Store, orgs: &[Organisation]) -> Result<Nyckeltal> {
    let catalogue = catalogue(store).await?;
    let ids: Vec<&str> = catalogue.indicators.iter().map(|i| i.id.as_str()).collect();
    let mut values = Values::new();
    for s in store.indicator_values(&ids).await? {
        values.insert(
            &s.value,
            Provenance {
                source: s.source,
                fetched_at: s.fetched_at,
                published: s.published,
            },
        );
    }
    let county_place = (orgs.iter())
        .find(|o| o.kind == OrgKind::Region)
        .map(Organisation::kolada_id);
    Ok(Nyckeltal {
        catalogue,
        values,
        county_place,
    })
}

/// Reads a catalogue from TOML, checks it against the newest stored version of the instrument
/// it names, and stores it (audited); every problem is listed in Swedish.
pub async fn store_catalogue(store: &dyn Store, text: &str, actor: &str) -> Result<Catalogue> {
    let catalogue = Catalogue::parse(text)?;
    let instrument = (store.instruments().await?.into_iter())
        .rfind(|i| i.id() == catalogue.instrument)
        .ok_or_else(|| {
            Error::Invalid(format!(
                "Katalogen gäller instrumentet ”{}”, som inte finns i databasen. Läs in instrumentet först eller rätta katalogens instrument.",
                catalogue.instrument
            ))
        })?;
    catalogue.check(&instrument)?;
    store.put_catalogue(&catalogue, actor).await?;
    Ok(catalogue)
}
