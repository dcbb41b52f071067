//! Integration tests of the core, one binary: the storage story, weekly statistics on real
//! stores, and the drift check of the TypeScript bindings.

mod bindings;
mod store;
mod support;
mod weekly;
