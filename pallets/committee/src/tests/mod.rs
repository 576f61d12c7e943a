//! The pallet's tests, by topic.

mod completion;
mod dapp_ranking;
mod nominations;
mod pre_election;
mod views;
mod voting;
