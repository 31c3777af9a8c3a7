//! A model hub built on csghub-errorx the way a new user builds one: its own
//! proto (importing the catalog's typed ErrorInfo), its own error enum
//! deriving `CatalogError`, handlers that `?` it into a `tonic::Status`, and
//! a client that decodes the catalog code.

use std::collections::BTreeMap;

use csghub_errorx::{CatalogError, Error, ErrorCode};
use tonic::{Request, Response, Status};

/// The code generated from `proto/acme/hub/v1/hub.proto`.
pub mod proto {
    #![allow(missing_docs)]
    tonic::include_proto!("acme.hub.v1");
}

use proto::model_hub_server::ModelHub;
use proto::{BatchGetModelsRequest, BatchGetModelsResponse, GetModelRequest, ItemFailure, Model};

/// What can go wrong finding a model: the hub's own error enum. Each
/// variant names its catalog code; marked fields go to the context.
#[derive(Debug, thiserror::Error, CatalogError)]
pub enum HubError {
    /// The name is not `namespace/name`.
    #[error("invalid model name {name:?}")]
    #[catalog(code = ERR_REQ_PARAM_INVALID)]
    InvalidName {
        /// The name as given.
        #[catalog(context)]
        name: String,
    },
    /// No such model.
    #[error("model {name} not found")]
    #[catalog(code = GIT_REPO_NOT_FOUND)]
    NotFound {
        /// The name.
        #[catalog(context)]
        name: String,
    },
}

/// The hub, with its models in memory.
#[derive(Debug, Clone)]
pub struct Hub {
    models: BTreeMap<String, u32>,
}

impl Hub {
    /// A hub with `opencsg/csg-wukong-1b` (1B parameters).
    pub fn with_sample_models() -> Hub {
        Hub {
            models: [("opencsg/csg-wukong-1b".to_string(), 1)].into(),
        }
    }

    fn find(&self, name: &str) -> Result<Model, HubError> {
        if name.split('/').filter(|part| !part.is_empty()).count() != 2 {
            return Err(HubError::InvalidName { name: name.into() });
        }
        let parameters_billions = *self
            .models
            .get(name)
            .ok_or_else(|| HubError::NotFound { name: name.into() })?;
        Ok(Model {
            name: name.into(),
            parameters_billions,
        })
    }
}

#[tonic::async_trait]
impl ModelHub for Hub {
    async fn get_model(
        &self,
        request: Request<GetModelRequest>,
    ) -> Result<Response<Model>, Status> {
        // `?` turns the hub's own error into a Status with the catalog code.
        Ok(Response::new(self.find(&request.get_ref().name)?))
    }

    async fn batch_get_models(
        &self,
        request: Request<BatchGetModelsRequest>,
    ) -> Result<Response<BatchGetModelsResponse>, Status> {
        let mut response = BatchGetModelsResponse::default();
        for name in &request.get_ref().names {
            match self.find(name) {
                Ok(model) => response.models.push(model),
                Err(error) => {
                    let code = error.code();
                    response.failures.push(ItemFailure {
                        name: name.clone(),
                        error: Some(csghub_errorx::proto::v1::ErrorInfo {
                            module: code.module().number(),
                            number: code.number(),
                            ..Default::default()
                        }),
                    })
                }
            }
        }
        Ok(Response::new(response))
    }
}

/// The catalog code of one failure of a batch, if this build knows it.
pub fn failure_code(failure: &ItemFailure) -> Option<ErrorCode> {
    let info = failure.error.as_ref()?;
    csghub_errorx::csghub::CATALOG.code_by_parts(info.module, info.number)
}

/// What a client makes of a failed call.
pub fn describe(status: &Status) -> String {
    let error = Error::from_status(status);
    match error.code() {
        Some(ErrorCode::GIT_REPO_NOT_FOUND) => {
            format!(
                "no such model: {}",
                error.context().get("name").unwrap_or("?")
            )
        }
        Some(code) => format!("{code}: {}", error.message()),
        None => format!("not a catalog error: {error}"),
    }
}
