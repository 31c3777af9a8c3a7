//! [`ResourceInfo`]: which resource an error is about.

use tonic_types::pb;

use crate::wire::{str_len, write_str, WireMessage};

/// `google.rpc.ResourceInfo`: the resource that was not found, or that the
/// caller may not use.
///
/// ```
/// use csghub_errorx::{Error, ErrorCode};
/// use csghub_errorx::details::ResourceInfo;
///
/// let error = Error::new(ErrorCode::GIT_REPO_NOT_FOUND)
///     .with_detail(ResourceInfo::new("repository", "ns/name").with_owner("user:alice"));
/// let resource = error.resource_info().unwrap();
/// assert_eq!((resource.resource_type(), resource.owner()), ("repository", "user:alice"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResourceInfo {
    resource_type: String,
    resource_name: String,
    owner: String,
    description: String,
}

impl ResourceInfo {
    /// The resource of type `resource_type` (such as `repository`) named
    /// `resource_name` (such as `ns/name`).
    pub fn new(resource_type: impl Into<String>, resource_name: impl Into<String>) -> ResourceInfo {
        ResourceInfo {
            resource_type: resource_type.into(),
            resource_name: resource_name.into(),
            ..ResourceInfo::default()
        }
    }

    /// Sets its owner, such as `user:alice`.
    pub fn with_owner(mut self, owner: impl Into<String>) -> ResourceInfo {
        self.owner = owner.into();
        self
    }

    /// Sets what went wrong with it.
    pub fn with_description(mut self, description: impl Into<String>) -> ResourceInfo {
        self.description = description.into();
        self
    }

    /// The type, such as `repository`.
    pub fn resource_type(&self) -> &str {
        &self.resource_type
    }

    /// The name, such as `ns/name`.
    pub fn resource_name(&self) -> &str {
        &self.resource_name
    }

    /// The owner; empty if none.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// What went wrong with it; empty if nothing was said.
    pub fn description(&self) -> &str {
        &self.description
    }
}

impl WireMessage for ResourceInfo {
    fn encoded_len(&self) -> usize {
        str_len(1, self.resource_type.len())
            + str_len(2, self.resource_name.len())
            + str_len(3, self.owner.len())
            + str_len(4, self.description.len())
    }

    fn encode_raw(&self, buf: &mut Vec<u8>) {
        write_str(1, &self.resource_type, buf);
        write_str(2, &self.resource_name, buf);
        write_str(3, &self.owner, buf);
        write_str(4, &self.description, buf);
    }
}

impl From<pb::ResourceInfo> for ResourceInfo {
    fn from(message: pb::ResourceInfo) -> ResourceInfo {
        ResourceInfo {
            resource_type: message.resource_type,
            resource_name: message.resource_name,
            owner: message.owner,
            description: message.description,
        }
    }
}

#[cfg(feature = "json")]
impl super::json::ProtoJson for ResourceInfo {
    fn write_fields<M: serde::ser::SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        use super::json::string;
        string(map, "resourceType", self.resource_type())?;
        string(map, "resourceName", self.resource_name())?;
        string(map, "owner", self.owner())?;
        string(map, "description", self.description())
    }
}

#[cfg(feature = "json")]
impl super::json::FromProtoJson for ResourceInfo {
    fn from_proto_json(item: &serde_json::Value) -> Result<ResourceInfo, String> {
        #[derive(Default, serde::Deserialize)]
        #[serde(default, rename_all = "camelCase")]
        struct Json {
            #[serde(alias = "resource_type")]
            resource_type: String,
            #[serde(alias = "resource_name")]
            resource_name: String,
            owner: String,
            description: String,
        }
        let json: Json = super::json::read(item)?;
        Ok(ResourceInfo::new(json.resource_type, json.resource_name)
            .with_owner(json.owner)
            .with_description(json.description))
    }
}
