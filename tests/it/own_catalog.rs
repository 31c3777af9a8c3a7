//! A catalog of a team's own (`examples/own-catalog`, Acme's), read by a
//! Python grpcio client with nothing but the standard `google.rpc` types:
//! the code string is in the `google.rpc.ErrorInfo` metadata, under Acme's
//! domain, as CSGHub's are under CSGHub's.

use crate::common::python;
use csghub_errorx_example_own_catalog::{errors, ModelServingServer, Serving};

#[tokio::test]
async fn a_python_client_reads_an_own_catalogs_code_strings_with_the_standard_types_only() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(ModelServingServer::new(Serving::with_sample_models()))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
    // (model, prompt, code, domain, a context entry)
    let cases = [
        (
            "acme/none",
            "hi",
            errors::MODEL_NOT_FOUND.as_str(),
            "errors.acme.example",
            ("model", "acme/none"),
        ),
        (
            "acme/big",
            "hi",
            errors::MODEL_NOT_LOADED.as_str(),
            "errors.acme.example",
            ("model", "acme/big"),
        ),
        (
            "acme/old",
            "hi",
            errors::MODEL_DEPRECATED.as_str(),
            "errors.acme.example",
            ("replacement", "acme/tiny"),
        ),
        (
            "acme/huge",
            "a b c",
            errors::GPU_OUT_OF_MEMORY.as_str(),
            "errors.acme.example",
            ("freeMib", "24576"),
        ),
        (
            "",
            "hi",
            "REQ-ERR-4",
            csghub_errorx::CATALOG_DOMAIN,
            ("field", "model"),
        ),
    ];
    let input: String = cases
        .iter()
        .map(|(model, prompt, ..)| format!("{model}\t{prompt}\n"))
        .collect();
    let results = python::json_lines("own_catalog_client.py", &[addr.to_string()], input).await;
    assert_eq!(results.len(), cases.len() * 2);
    for (result, (model, _, code, domain, (key, value))) in results
        .chunks(2)
        .zip(&cases)
        .flat_map(|(pair, case)| pair.iter().map(move |r| (r, case)))
    {
        assert_eq!(result["model"], *model, "{result}");
        assert_eq!(result["code_string"], *code, "{result}");
        assert_eq!(result["domain"], *domain, "{result}");
        assert_eq!(result["metadata"][key], *value, "{result}");
    }
}
