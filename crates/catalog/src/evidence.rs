//! Sources and evidence grades: where a catalogue edge or a scenario event comes from, and how
//! directly the source supports it.

use std::fmt;

/// How directly a source supports a statement (the grades of the incident research).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Evidence {
    /// The provider's own post-incident report, read in full.
    Provider,
    /// The provider's report, through a third-party transcription or summary.
    ProviderTranscribed,
    /// Independent measurement (Cloudflare Radar, Downdetector and the like).
    Measured,
    /// Press or reputable reporting.
    Reported,
    /// Our inference from the sources, stated nowhere.
    Inferred,
    /// Unverified, or the sources disagree.
    Unverified,
}

impl Evidence {
    /// The grades as written in files: `P`, `Pt`, `M`, `R`, `I`, `U`.
    pub const CODES: [&'static str; 6] = ["P", "Pt", "M", "R", "I", "U"];

    /// Reads a grade code.
    pub fn parse(code: &str) -> Option<Self> {
        Some(match code {
            "P" => Self::Provider,
            "Pt" => Self::ProviderTranscribed,
            "M" => Self::Measured,
            "R" => Self::Reported,
            "I" => Self::Inferred,
            "U" => Self::Unverified,
            _ => return None,
        })
    }

    /// The code as written in files.
    pub fn code(self) -> &'static str {
        Self::CODES[self as usize]
    }

    /// A short phrase for readers: "provider's report", "our inference"…
    pub fn meaning(self) -> &'static str {
        match self {
            Self::Provider => "provider's own report",
            Self::ProviderTranscribed => "provider's report via a transcription",
            Self::Measured => "independent measurement",
            Self::Reported => "press reporting",
            Self::Inferred => "our inference from the sources",
            Self::Unverified => "unverified or conflicting",
        }
    }
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A document a statement comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// The key the file uses for it.
    pub key: String,
    /// The document's title.
    pub title: String,
    /// Where to read it, when it has a stable address.
    pub url: Option<String>,
}

impl Source {
    /// The title followed by the address in angle brackets, or the title alone.
    pub fn citation(&self) -> String {
        match &self.url {
            Some(url) => format!("{} <{url}>", self.title),
            None => self.title.clone(),
        }
    }
}
