//! Loads the embedded catalog and prints its table, or the first error.
//!
//! `cargo run -p chipmodel-catalog --example catalog_check`

fn main() {
    match chipmodel_catalog::Catalog::try_embedded() {
        Ok(c) => print!("{}", chipmodel_catalog::catalog_table(c)),
        Err(e) => {
            println!("error: {e}");
            std::process::exit(1);
        }
    }
}
