//! [`Help`] and its [`HelpLink`]s: where to read more.

use tonic_types::pb;

use crate::wire::{repeated_len, str_len, write_repeated, write_str, WireMessage};

/// `google.rpc.Help`: links to documentation about the error.
///
/// ```
/// use csghub_errorx::{Error, ErrorCode};
///
/// let error = Error::new(ErrorCode::GIT_LFS_ERROR)
///     .add_help_link("Git LFS setup", "https://opencsg.com/docs/lfs");
/// assert_eq!(error.help().unwrap().links()[0].url(), "https://opencsg.com/docs/lfs");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Help {
    links: Vec<HelpLink>,
}

impl Help {
    /// No links yet.
    pub fn new() -> Help {
        Help::default()
    }

    /// Adds a link.
    pub fn add_link(mut self, link: HelpLink) -> Help {
        self.links.push(link);
        self
    }

    /// The links, in order.
    pub fn links(&self) -> &[HelpLink] {
        &self.links
    }

    pub(crate) fn push(&mut self, link: HelpLink) {
        self.links.push(link);
    }
}

impl FromIterator<HelpLink> for Help {
    fn from_iter<I: IntoIterator<Item = HelpLink>>(iter: I) -> Help {
        Help {
            links: iter.into_iter().collect(),
        }
    }
}

/// One link of [`Help`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HelpLink {
    description: String,
    url: String,
}

impl HelpLink {
    /// A link to `url`, described by `description`.
    pub fn new(description: impl Into<String>, url: impl Into<String>) -> HelpLink {
        HelpLink {
            description: description.into(),
            url: url.into(),
        }
    }

    /// What the link is about.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The URL.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl WireMessage for HelpLink {
    fn encoded_len(&self) -> usize {
        str_len(1, self.description.len()) + str_len(2, self.url.len())
    }

    fn encode_raw(&self, buf: &mut Vec<u8>) {
        write_str(1, &self.description, buf);
        write_str(2, &self.url, buf);
    }
}

impl WireMessage for Help {
    fn encoded_len(&self) -> usize {
        repeated_len(1, &self.links)
    }

    fn encode_raw(&self, buf: &mut Vec<u8>) {
        write_repeated(1, &self.links, buf);
    }
}

impl From<pb::Help> for Help {
    fn from(message: pb::Help) -> Help {
        message
            .links
            .into_iter()
            .map(|l| HelpLink {
                description: l.description,
                url: l.url,
            })
            .collect()
    }
}

#[cfg(feature = "json")]
mod json {
    use serde::ser::SerializeMap;
    use serde::Deserialize;

    use super::{Help, HelpLink};
    use crate::details::json::{messages, read, string, FromProtoJson, ProtoJson};

    impl ProtoJson for Help {
        fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
            messages(map, "links", self.links())
        }
    }

    impl ProtoJson for HelpLink {
        fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
            string(map, "description", self.description())?;
            string(map, "url", self.url())
        }
    }

    #[derive(Default, Deserialize)]
    #[serde(default)]
    struct HelpJson {
        links: Vec<HelpLinkJson>,
    }

    #[derive(Default, Deserialize)]
    #[serde(default)]
    struct HelpLinkJson {
        description: String,
        url: String,
    }

    impl FromProtoJson for Help {
        fn from_proto_json(item: &serde_json::Value) -> Result<Help, String> {
            let json: HelpJson = read(item)?;
            Ok(json
                .links
                .into_iter()
                .map(|l| HelpLink::new(l.description, l.url))
                .collect())
        }
    }
}
