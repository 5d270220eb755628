//! Tallies of the receiver database: the newest imported version of each precinct's protocols,
//! and the conflicts still held for a person.

use std::path::Path;

use hattama_protocol::tally::Tally;
use hattama_store::receiver::{self, Conflict};

use crate::error::CommissionError;

/// The tally of the newest protocol versions of `election` in the receiver database at `db`.
pub fn tally(db: &Path, election: &str) -> Result<Tally, CommissionError> {
    let conn = receiver::open_receiver(db)?;
    let mut tally = Tally::default();
    for (precinct, protocol) in receiver::latest_protocols(&conn, election)? {
        tally.add(
            &protocol.contest,
            &protocol.template,
            &precinct.region,
            &protocol.values,
        )?;
    }
    Ok(tally)
}

/// The conflicts held for `election`, for a person to decide.
pub fn conflicts(db: &Path, election: &str) -> Result<Vec<Conflict>, CommissionError> {
    let conn = receiver::open_receiver(db)?;
    Ok(receiver::conflicts(&conn, election)?)
}
