//! The notes extraction keeps when asked why: what `recount explain` prints.
//!
//! A [`Trace`] follows the document through the passes: the parts set aside as structure
//! (headline, dateline, byline, furniture), the date relative dates count from, each
//! sentence with its date and what became of it, and each run of sentences (a candidate
//! event) with its type words, counts, place and the decision taken.

use std::fmt::Write as _;

/// What extraction decided about one document, and why.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    /// The text held traditional characters, read as simplified ones.
    pub normalised: bool,
    /// The date relative dates count from, and where it came from.
    pub anchor: Option<String>,
    /// Structure set aside: (kind, original words).
    pub parts: Vec<(String, String)>,
    pub sentences: Vec<SentenceNote>,
    pub runs: Vec<RunNote>,
}

/// One sentence: its original words, the date read from it, and its fate.
#[derive(Debug, Clone, Default)]
pub struct SentenceNote {
    pub text: String,
    pub date: Option<String>,
    /// The run (candidate event) it went into.
    pub run: Option<usize>,
    pub decision: String,
}

/// One run of sentences that may tell an event.
#[derive(Debug, Clone, Default)]
pub struct RunNote {
    pub run: usize,
    pub date: Option<String>,
    pub kind: Option<String>,
    /// The type words found, as `type:word(weight)`; weight 0 when discounted.
    pub evidence: Vec<String>,
    pub claims: Vec<String>,
    pub place: Option<String>,
    /// What became of it: dropped and why, joined to another run, or the report it made.
    pub decision: String,
}

impl Trace {
    /// Records the final decision on a run (the last word wins).
    pub(crate) fn decide(&mut self, run: usize, decision: String) {
        if let Some(r) = self.runs.iter_mut().find(|r| r.run == run) {
            r.decision = decision;
        }
    }

    /// Human-readable report of the trace, one block per sentence and per run.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if self.normalised {
            out.push_str("script: traditional characters read as simplified\n");
        }
        match &self.anchor {
            Some(a) => {
                let _ = writeln!(out, "relative dates count from: {a}");
            }
            None => out
                .push_str("relative dates count from: nothing (no publication date or dateline)\n"),
        }
        for (kind, words) in &self.parts {
            let _ = writeln!(out, "{kind}: {words}");
        }
        out.push_str("\nsentences\n");
        for (i, s) in self.sentences.iter().enumerate() {
            let date = s.date.as_deref().unwrap_or("-");
            let _ = writeln!(
                out,
                "[{i}] date {date} · {}\n    {}",
                s.decision,
                s.text.trim()
            );
        }
        out.push_str("\nruns\n");
        for r in &self.runs {
            let _ = writeln!(
                out,
                "run {} · {} · date {} · {}",
                r.run,
                r.kind.as_deref().unwrap_or("no type"),
                r.date.as_deref().unwrap_or("-"),
                r.decision
            );
            if !r.evidence.is_empty() {
                let _ = writeln!(out, "    words: {}", r.evidence.join(", "));
            }
            if !r.claims.is_empty() {
                let _ = writeln!(out, "    counts: {}", r.claims.join(", "));
            }
            if let Some(p) = &r.place {
                let _ = writeln!(out, "    place: {p}");
            }
        }
        out
    }
}
