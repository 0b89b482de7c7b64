//! The SOAP layer: requests written as envelopes ([`write`]), responses read into a tree
//! ([`dom`]), faults read from either ([`fault`]).

pub mod dom;
pub mod fault;
pub mod write;

pub use dom::{Moref, Node, XmlError};
pub use fault::Fault;
pub use write::El;
