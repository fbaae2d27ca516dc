//! Integration tests of the three export formats, driven through the public API only.

mod acled;
mod fixtures;
mod jsonl;
mod streaming;
mod table;
