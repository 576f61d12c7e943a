//! What a billing peer persists so that a restart never contradicts what it signed: its lock and
//! its own votes of the rounds still open (`gosig_core::Persisted`), with the authority set they
//! belong to. Written to the client's aux storage *before* a vote is broadcast.

use codec::{Decode, Encode};
use gosig_core::{Lock, Persisted, Round, VoteKind};
use sc_client_api::backend::AuxStore;
use spacebook_gosig_primitives::{vote_kind_code, vote_kind_from_code, AuthoritySignature, SetId};

/// The aux-storage key of the voter state.
pub const VOTER_STATE_KEY: &[u8] = b"spacebook_gosig_voter_state";

/// The stored form of a lock.
#[derive(Encode, Decode, Clone, Debug, PartialEq, Eq)]
struct StoredLock<H> {
	block: H,
	height: u64,
	round: Round,
	certificate: Vec<(u32, AuthoritySignature)>,
}

/// The stored voter state.
#[derive(Encode, Decode, Clone, Debug, PartialEq, Eq)]
struct StoredState<H> {
	set_id: SetId,
	lock: Option<StoredLock<H>>,
	own_votes: Vec<(Round, u8, H)>,
}

/// Write the voter state of set `set_id`.
pub fn write<H: Encode + Clone, C: AuxStore>(
	client: &C,
	set_id: SetId,
	state: &Persisted<H, AuthoritySignature>,
) -> sp_blockchain::Result<()> {
	let stored = StoredState {
		set_id,
		lock: state.lock.as_ref().map(|l| StoredLock {
			block: l.block.clone(),
			height: l.height,
			round: l.round,
			certificate: l.certificate.clone(),
		}),
		own_votes: state
			.own_votes
			.iter()
			.map(|(r, k, b)| (*r, vote_kind_code(*k), b.clone()))
			.collect(),
	};
	let encoded = stored.encode();
	client.insert_aux(&[(VOTER_STATE_KEY, encoded.as_slice())], &[])
}

/// Read the voter state, if one was written for set `set_id`.
pub fn read<H: Decode, C: AuxStore>(
	client: &C,
	set_id: SetId,
) -> sp_blockchain::Result<Option<Persisted<H, AuthoritySignature>>> {
	let Some(bytes) = client.get_aux(VOTER_STATE_KEY)? else { return Ok(None) };
	let stored = StoredState::<H>::decode(&mut &bytes[..]).map_err(|e| {
		sp_blockchain::Error::Backend(format!("corrupt Gosig voter state in aux storage: {e}"))
	})?;
	if stored.set_id != set_id {
		return Ok(None);
	}
	Ok(Some(Persisted {
		lock: stored.lock.map(|l| Lock {
			block: l.block,
			height: l.height,
			round: l.round,
			certificate: l.certificate,
		}),
		own_votes: stored
			.own_votes
			.into_iter()
			.filter_map(|(r, k, b)| vote_kind_from_code(k).map(|k: VoteKind| (r, k, b)))
			.collect(),
	}))
}
