//! [`RepoService`]: a repository service whose handlers use `?` on the
//! application's own errors.

use std::collections::BTreeMap;
use std::sync::Arc;

use tonic::{Request, Response, Status};

use super::RepoError;
use crate::proto::repos_server::Repos;
use crate::proto::{File, GetFileRequest, GetRepoRequest, Repo};

/// One stored repository.
#[derive(Clone, Debug)]
struct StoredRepo {
    owner: String,
    public: bool,
    default_branch: String,
    /// branch → path → content; a `None` content is a file whose storage is
    /// broken, to show a server fault.
    branches: BTreeMap<String, BTreeMap<String, Option<Vec<u8>>>>,
}

/// An in-memory repository service.
///
/// Callers are identified by the `String` identity an
/// [`AuthInterceptor`](csghub_errorx::auth::AuthInterceptor) puts in the request's
/// extensions; without one they are `anonymous` and read public
/// repositories only.
#[derive(Clone, Debug, Default)]
pub struct RepoService {
    repos: Arc<BTreeMap<String, StoredRepo>>,
}

impl RepoService {
    /// Two repositories: the public `opencsg/csghub` (branch `main`, files
    /// `README.md`, `docs/errors.md`, and `broken.bin`, whose storage
    /// fails) and `opencsg/secret`, which only `alice` may read.
    pub fn with_sample_data() -> RepoService {
        let files = |entries: &[(&str, Option<&str>)]| {
            entries
                .iter()
                .map(|(path, content)| (path.to_string(), content.map(|c| c.as_bytes().to_vec())))
                .collect::<BTreeMap<_, _>>()
        };
        let csghub = StoredRepo {
            owner: "opencsg".into(),
            public: true,
            default_branch: "main".into(),
            branches: [(
                "main".to_string(),
                files(&[
                    ("README.md", Some("# CSGHub\n")),
                    ("docs/errors.md", Some("# Error Codes\n")),
                    ("broken.bin", None),
                ]),
            )]
            .into(),
        };
        let secret = StoredRepo {
            owner: "alice".into(),
            public: false,
            default_branch: "main".into(),
            branches: [(
                "main".to_string(),
                files(&[("plan.txt", Some("world domination"))]),
            )]
            .into(),
        };
        RepoService {
            repos: Arc::new(
                [
                    ("opencsg/csghub".to_string(), csghub),
                    ("opencsg/secret".to_string(), secret),
                ]
                .into(),
            ),
        }
    }

    /// The repository `name` if `caller` may read it.
    fn find(&self, name: &str, caller: &str) -> Result<&StoredRepo, RepoError> {
        let valid = name.split_once('/').is_some_and(|(namespace, repo)| {
            !namespace.is_empty() && !repo.is_empty() && !repo.contains('/')
        });
        if !valid {
            return Err(RepoError::InvalidName(name.to_string()));
        }
        let repo = self
            .repos
            .get(name)
            .ok_or_else(|| RepoError::RepoNotFound(name.to_string()))?;
        if !repo.public && repo.owner != caller {
            return Err(RepoError::Forbidden {
                repo: name.to_string(),
                caller: caller.to_string(),
            });
        }
        Ok(repo)
    }

    fn get_repo(&self, request: &GetRepoRequest, caller: &str) -> Result<Repo, RepoError> {
        let repo = self.find(&request.name, caller)?;
        Ok(Repo {
            name: request.name.clone(),
            public: repo.public,
            default_branch: repo.default_branch.clone(),
        })
    }

    fn get_file(&self, request: &GetFileRequest, caller: &str) -> Result<File, RepoError> {
        let repo = self.find(&request.repo, caller)?;
        let path = &request.path;
        if path.is_empty() || path.starts_with('/') || path.split('/').any(|part| part == "..") {
            return Err(RepoError::InvalidPath(path.clone()));
        }
        let branch = if request.branch.is_empty() {
            &repo.default_branch
        } else {
            &request.branch
        };
        let files = repo
            .branches
            .get(branch)
            .ok_or_else(|| RepoError::BranchNotFound {
                repo: request.repo.clone(),
                branch: branch.clone(),
            })?;
        let stored = files.get(path).ok_or_else(|| RepoError::FileNotFound {
            repo: request.repo.clone(),
            branch: branch.clone(),
            path: path.clone(),
        })?;
        let content = stored.clone().ok_or_else(|| {
            RepoError::Storage(std::io::Error::other(format!(
                "read /var/lib/csghub/objects/{path}: input/output error"
            )))
        })?;
        Ok(File {
            path: path.clone(),
            content,
        })
    }
}

/// Who is calling: the identity an auth interceptor set, or `anonymous`.
fn caller<T>(request: &Request<T>) -> &str {
    request
        .extensions()
        .get::<String>()
        .map_or("anonymous", String::as_str)
}

#[tonic::async_trait]
impl Repos for RepoService {
    async fn get_repo(&self, request: Request<GetRepoRequest>) -> Result<Response<Repo>, Status> {
        Ok(Response::new(
            self.get_repo(request.get_ref(), caller(&request))?,
        ))
    }

    async fn get_file(&self, request: Request<GetFileRequest>) -> Result<Response<File>, Status> {
        Ok(Response::new(
            self.get_file(request.get_ref(), caller(&request))?,
        ))
    }
}
