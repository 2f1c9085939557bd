//! The optional register fields of a provider (legal entity, country, LEI, ICT service type, data
//! locations, substitutability, exit plan, ultimate parent): read and checked here, kept apart
//! from the rest of the provider so that concentration and DORA exports can rely on them.

use crate::model::ProviderProfile;
use crate::yaml::{Entry, Value};

use super::Reader;

/// The provider keys this module reads.
pub(super) const PROFILE_KEYS: &[&str] = &[
    "ultimate_parent",
    "legal_entity",
    "lei",
    "country",
    "service_type",
    "data_locations",
    "substitutability",
    "exit_plan",
];

/// The words `service_type` accepts, after DORA's ICT service types.
const SERVICE_TYPES: &[&str] =
    &["iaas", "paas", "saas", "network", "data-management", "security", "software", "other"];

/// The words `substitutability` accepts, after DORA's register template B_07.01.
const SUBSTITUTABILITY: &[&str] =
    &["not-substitutable", "highly-complex", "medium-complexity", "easy"];

impl<'a> Reader<'_> {
    /// Reads one register field of provider `owner` into `profile`.
    pub(super) fn profile_field(
        &mut self,
        owner: &str,
        field: Entry<'a>,
        profile: &mut ProviderProfile,
    ) {
        let what = format!("`{}` of provider `{owner}`", field.key);
        let what = what.as_str();
        let value = field.value;
        match field.key {
            "ultimate_parent" => {
                if let Some(text) = self.scalar(value, what) {
                    if super::is_valid_name(text) {
                        profile.ultimate_parent = Some(text.to_owned());
                    } else {
                        self.help(
                            value.location(),
                            format!("invalid ultimate parent `{text}` of provider `{owner}`"),
                            "name the parent group like a provider, e.g. `alphabet`; providers with the same parent are counted together",
                        );
                    }
                }
            }
            "legal_entity" => profile.legal_entity = self.text(value, what),
            "lei" => {
                if let Some(text) = self.scalar(value, what) {
                    if is_valid_lei(text) {
                        profile.lei = Some(text.to_owned());
                    } else {
                        self.help(
                            value.location(),
                            format!("`{text}` is not a valid LEI for provider `{owner}`"),
                            "a Legal Entity Identifier (ISO 17442) is 20 letters and digits whose check digits make it 1 modulo 97",
                        );
                    }
                }
            }
            "country" => profile.country = self.country(value, owner),
            "data_locations" => {
                let Some(items) = self.list(value, what) else { return };
                profile.data_locations =
                    items.into_iter().filter_map(|item| self.country(item, owner)).collect();
            }
            "service_type" => profile.service_type = self.word(value, what, SERVICE_TYPES),
            "substitutability" => {
                profile.substitutability = self.word(value, what, SUBSTITUTABILITY)
            }
            "exit_plan" => match self.scalar(value, what) {
                Some("true" | "True" | "TRUE") => profile.exit_plan = Some(true),
                Some("false" | "False" | "FALSE") => profile.exit_plan = Some(false),
                Some(_) => {
                    let found = value.describe();
                    self.help(
                        value.location(),
                        format!("{what} must be true or false, found {found}"),
                        "write `exit_plan: true` when a documented exit plan exists",
                    );
                }
                None => {}
            },
            _ => unreachable!("only PROFILE_KEYS are passed here"),
        }
    }

    /// A two-letter ISO 3166-1 country code.
    fn country(&mut self, node: crate::yaml::Node<'a>, owner: &str) -> Option<String> {
        let text = self.scalar(node, "a country")?;
        if text.len() == 2 && text.bytes().all(|b| b.is_ascii_uppercase()) {
            return Some(text.to_owned());
        }
        let found = node.describe();
        self.help(
            node.location(),
            format!("country {found} of provider `{owner}` is not a two-letter code"),
            "write an ISO 3166-1 alpha-2 code in capitals, such as `US`, `IE` or `DE`",
        );
        None
    }

    /// One of `allowed`, or `None` after reporting what was found.
    fn word(
        &mut self,
        node: crate::yaml::Node<'a>,
        what: &str,
        allowed: &[&str],
    ) -> Option<String> {
        let text = match node.value() {
            Value::Scalar { text, .. } => text,
            _ => {
                let found = node.describe();
                self.error(
                    node.location(),
                    format!("{what} must be a single value, found {found}"),
                );
                return None;
            }
        };
        if allowed.contains(&text) {
            return Some(text.to_owned());
        }
        let found = node.describe();
        self.help(
            node.location(),
            format!("{what} is {found}, which is not one of the known values"),
            format!("write one of {}", super::plain_list(allowed)),
        );
        None
    }
}

/// Whether `text` is a well-formed ISO 17442 LEI: 20 upper-case letters or digits, and the
/// number read with letters as 10..35 is 1 modulo 97 (ISO 7064 MOD 97-10).
pub(crate) fn is_valid_lei(text: &str) -> bool {
    if text.len() != 20 || !text.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) {
        return false;
    }
    let mut remainder = 0u32;
    for byte in text.bytes() {
        let value = if byte.is_ascii_digit() {
            u32::from(byte - b'0')
        } else {
            u32::from(byte - b'A') + 10
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    remainder == 1
}
