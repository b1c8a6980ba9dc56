//! Analysis of a project: figures ([`stats`]), the annotation table's rows ([`table`]), find
//! and project search ([`search`]), suggestions ([`suggest`]) and learned ones ([`learn`]), and how far analysts agree
//! ([`agreement`]), and discourse networks as the Discourse Network Analyzer defines them
//! ([`network`]) over the project's actors and positions ([`discourse`]).
//! It reads the core and never changes a project or touches a file.

pub mod actors;
pub mod agreement;
pub mod discourse;
pub mod layout;
pub mod learn;
pub mod network;
pub mod search;
pub mod stats;
pub mod suggest;
pub mod table;
pub mod timeline;
