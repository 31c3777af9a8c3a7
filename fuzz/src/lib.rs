//! What the fuzz targets share: the layout of their inputs (which the seed
//! writer, `examples/write_seeds.rs`, writes too), the invariants every
//! decoded error must keep, and a response body made of given frames.

pub mod inputs;
pub mod invariants;
pub mod response;
