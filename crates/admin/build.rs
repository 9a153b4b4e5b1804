// `sqlx::migrate!` embeds the migrations at compile time, but cargo does not
// see a file added to the folder: without this, a new migration is missing
// from builds made before it existed (tests then run on an older schema).
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
