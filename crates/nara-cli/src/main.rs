//! `nara`, the command line of Nära: every operation of a round, scriptable. It parses
//! arguments and prints; the work is done by `nara-app`.

fn main() {
    println!("nara");
}
