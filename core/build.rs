//! `sqlx::migrate!` embeds the migrations when the crate is compiled, and Cargo reruns it only
//! when a file it knows of changes: a new migration is a new file, so without this a build
//! keeps migrating to the schema of the last one (sqlx's own advice).

// Cargo reads a build script's instructions from its standard output.
#![allow(clippy::print_stdout)]

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
