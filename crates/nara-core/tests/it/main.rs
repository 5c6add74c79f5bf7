//! Integration tests of nara-core: the worked examples of `docs/scoring.md`, property tests of
//! the scoring invariants, and the same rules on a second county's instrument.

mod other_county;
mod properties;
mod support;
mod worked_examples;
