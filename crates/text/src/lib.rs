//! Text handling for recount: decode bytes in any of the encodings Chinese sources use,
//! pull the main text out of HTML, and read numbers and dates in Chinese and English.
//!
//! Everything here is a pure function of its input: no I/O, no clock. Callers pass the
//! publication date when a relative date ("yesterday", 上周五) has to be anchored.

pub mod dates;
pub mod decode;
pub mod html;
pub mod normalize;
pub mod numbers;
