//! Who may see what. The coordinator (admin) sees everything. A reader sees published rounds
//! only. A respondent sees their own organisation in every round that is not a draft, and the
//! county and other organisations once a round is published. Every page, API route and
//! download asks these functions; the authorization matrix test walks them all.

use nara_core::{OrgCode, Role, Round, RoundStatus};

use crate::auth::Viewer;
use crate::error::AppError;

/// Whether the viewer may know the round exists (list it, open its pages).
pub fn round_visible(v: &Viewer, round: &Round) -> bool {
    match v.user.role {
        Role::Admin => true,
        Role::Reader => round.status == RoundStatus::Published,
        Role::Respondent => round.status != RoundStatus::Draft,
    }
}

/// Whether the viewer may see the county's numbers (all organisations) of a round.
pub fn county_visible(v: &Viewer, round: &Round) -> bool {
    v.is_admin() || round.status == RoundStatus::Published
}

/// Whether the viewer may see one organisation's numbers in a round.
pub fn org_visible(v: &Viewer, round: &Round, org: &OrgCode) -> bool {
    county_visible(v, round) || (round_visible(v, round) && v.org() == Some(org))
}

/// `Ok` when the county is visible, else 403.
pub fn need_county(v: &Viewer, round: &Round) -> Result<(), AppError> {
    if county_visible(v, round) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// `Ok` when the organisation is visible, else 403.
pub fn need_org(v: &Viewer, round: &Round, org: &OrgCode) -> Result<(), AppError> {
    if org_visible(v, round, org) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Whether the viewer sees only the nyckeltal the catalogue marks public when looking at `org`
/// (or at the county, with `None`): indicators are public data, but a local indicator may be
/// internal, and then only the coordinator and the organisation's own respondents see it.
pub fn indicators_public_only(v: &Viewer, org: Option<&OrgCode>) -> bool {
    !(v.is_admin() || org.is_some_and(|o| v.org() == Some(o)))
}

/// What a result shown to the viewer for `round` may draw on: the coordinator compares with any
/// earlier round; whoever sees the county compares with the newest *published* earlier round
/// (never with a round they may not see); a respondent before publication sees only their own
/// organisation and compares with its newest earlier round that is not a draft.
pub fn audience(v: &Viewer, round: &Round) -> nara_app::report::Audience {
    use nara_app::report::{Audience, Earlier};
    if v.is_admin() {
        Audience::ALL
    } else if county_visible(v, round) {
        Audience {
            earlier: Earlier::Published,
            county: true,
        }
    } else {
        Audience {
            earlier: Earlier::NotDraft,
            county: false,
        }
    }
}
