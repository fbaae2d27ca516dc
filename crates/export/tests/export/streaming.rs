//! Volume and failure: the writers stream, count, and name what failed.

use crate::fixtures;
use recount_export::{
    write_acled_csv, write_csv, write_jsonl, ExportError, JsonlWriter, NoAdminNames,
};
use std::io::{self, Write};

const N: usize = 10_000;

/// Counts bytes and remembers the largest single write, to show output leaves in
/// bounded pieces rather than as one accumulated blob.
#[derive(Default)]
struct Meter {
    bytes: usize,
    largest_write: usize,
}

impl Write for Meter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes += buf.len();
        self.largest_write = self.largest_write.max(buf.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn ten_thousand_incidents_stream_to_a_sink() {
    // Owned incidents made on demand: nothing holds all ten thousand at once.
    let incidents = || (0..N).map(fixtures::numbered);
    assert_eq!(write_jsonl(io::sink(), incidents()).expect("jsonl"), N);
    assert_eq!(write_csv(io::sink(), incidents()).expect("csv"), N);
    assert_eq!(
        write_acled_csv(io::sink(), incidents(), &NoAdminNames).expect("acled"),
        N
    );
}

#[test]
fn output_leaves_in_bounded_pieces() {
    let incidents = || (0..N).map(fixtures::numbered);
    for format in ["jsonl", "csv", "acled"] {
        let mut meter = Meter::default();
        match format {
            "jsonl" => write_jsonl(&mut meter, incidents()).map(drop),
            "csv" => write_csv(&mut meter, incidents()).map(drop),
            _ => write_acled_csv(&mut meter, incidents(), &NoAdminNames).map(drop),
        }
        .expect("export succeeds");
        assert!(meter.bytes > N * 100, "{format}: {} bytes", meter.bytes);
        assert!(
            meter.largest_write <= 64 * 1024,
            "{format}: a single write of {} bytes",
            meter.largest_write
        );
    }
}

#[test]
fn push_writer_counts_and_returns_the_output() {
    let mut writer = JsonlWriter::new(Vec::new());
    for incident in fixtures::all() {
        writer.write(&incident).expect("write to memory");
    }
    assert_eq!(writer.count(), 4);
    let out = writer.finish().expect("flush to memory");
    assert_eq!(out.iter().filter(|b| **b == b'\n').count(), 4);
}

/// Accepts `room` bytes, then fails like a closed pipe.
struct ClosesAfter {
    room: usize,
}

impl Write for ClosesAfter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.room == 0 {
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "reader went away",
            ));
        }
        let n = buf.len().min(self.room);
        self.room -= n;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_failing_output_is_reported_as_a_write_error_naming_the_format() {
    let incidents = || (0..N).map(fixtures::numbered);
    let results = [
        (
            "jsonl",
            write_jsonl(ClosesAfter { room: 50_000 }, incidents()),
        ),
        ("csv", write_csv(ClosesAfter { room: 50_000 }, incidents())),
        (
            "acled-csv",
            write_acled_csv(ClosesAfter { room: 50_000 }, incidents(), &NoAdminNames),
        ),
    ];
    for (name, result) in results {
        match result {
            Err(ExportError::Write {
                format,
                incident,
                source,
            }) => {
                assert_eq!(format, name);
                assert_eq!(source.kind(), io::ErrorKind::BrokenPipe);
                let incident = incident.expect("failure happened mid-stream");
                assert!(incident.starts_with("inc-"), "{incident}");
            }
            other => panic!("{name}: expected a write error, got {other:?}"),
        }
    }
    let err = write_csv(ClosesAfter { room: 0 }, fixtures::all()).expect_err("no room at all");
    let message = err.to_string();
    assert!(
        message.contains("csv") && message.contains("header"),
        "{message}"
    );
}
