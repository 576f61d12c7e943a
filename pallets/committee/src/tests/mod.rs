//! The pallet's tests, by topic.

mod completion;
mod nominations;
mod pre_election;
mod voting;
