//! The words of the site around the catalog's own text, in the catalog's
//! locales: English, Simplified and Traditional Chinese; English for any
//! other locale.

/// The site's words in one language.
pub struct Labels {
    pub errors: &'static str,
    pub search: &'static str,
    pub code: &'static str,
    pub name: &'static str,
    pub reason: &'static str,
    pub module: &'static str,
    pub grpc_code: &'static str,
    pub http_status: &'static str,
    pub description: &'static str,
    pub message: &'static str,
    pub detailed: &'static str,
    pub context_keys: &'static str,
    /// The retry class row, and its three values.
    pub retry: &'static str,
    pub retry_never: &'static str,
    pub retry_after_delay: &'static str,
    pub retry_backoff: &'static str,
    pub none: &'static str,
    pub type_uri: &'static str,
    pub wire: &'static str,
    pub grpc_details: &'static str,
    pub google_json: &'static str,
    pub csghub_json: &'static str,
    pub problem_json: &'static str,
    pub example_note: &'static str,
    pub all_modules: &'static str,
    /// Words the search script shows, by key.
    pub script: [(&'static str, &'static str); 4],
}

/// The labels for a locale tag.
pub fn labels(tag: &str) -> &'static Labels {
    let lower = tag.to_ascii_lowercase();
    if lower.starts_with("zh") {
        if lower.contains("hant")
            || ["zh-hk", "zh-tw", "zh-mo"]
                .iter()
                .any(|t| lower.starts_with(t))
        {
            &TRADITIONAL
        } else {
            &SIMPLIFIED
        }
    } else {
        &ENGLISH
    }
}

const ENGLISH: Labels = Labels {
    errors: "Error codes",
    search: "Search: GIT-ERR-8, gitAuthFailed, GIT_AUTH_FAILED, GIT 8",
    code: "Code",
    name: "Name",
    reason: "Reason (AIP-193)",
    module: "Module",
    grpc_code: "gRPC code",
    http_status: "HTTP status",
    description: "Description",
    message: "Message",
    detailed: "Detailed message",
    context_keys: "Context keys",
    retry: "Retried",
    retry_never: "never",
    retry_after_delay: "after the server's delay",
    retry_backoff: "with backoff",
    none: "none",
    type_uri: "Problem type",
    wire: "On the wire",
    grpc_details: "gRPC: grpc-status-details-bin, as errorx decode prints it",
    google_json: "HTTP JSON, AIP-193 (Google) shape",
    csghub_json: "HTTP JSON, CSGHub envelope",
    problem_json: "HTTP, RFC 9457 problem+json (Accept: application/problem+json)",
    example_note: "Every context key set to an example value; rendered by csghub-errorx itself.",
    all_modules: "Modules",
    script: [
        (
            "notInCatalog",
            "is not in this catalog: a newer peer sent it",
        ),
        ("didYouMean", "Did you mean:"),
        ("noMatch", "No code matches"),
        ("module", "module"),
    ],
};

const SIMPLIFIED: Labels = Labels {
    errors: "错误码",
    search: "搜索：GIT-ERR-8、gitAuthFailed、GIT_AUTH_FAILED、GIT 8",
    code: "错误码",
    name: "名称",
    reason: "原因 (AIP-193)",
    module: "模块",
    grpc_code: "gRPC 状态码",
    http_status: "HTTP 状态码",
    description: "说明",
    message: "消息",
    detailed: "详细消息",
    context_keys: "上下文键",
    retry: "重试",
    retry_never: "不重试",
    retry_after_delay: "按服务端给出的延迟重试",
    retry_backoff: "指数退避重试",
    none: "无",
    type_uri: "问题类型",
    wire: "传输格式",
    grpc_details: "gRPC：grpc-status-details-bin，errorx decode 的输出",
    google_json: "HTTP JSON，AIP-193（Google）格式",
    csghub_json: "HTTP JSON，CSGHub 格式",
    problem_json: "HTTP，RFC 9457 problem+json（Accept: application/problem+json）",
    example_note: "每个上下文键都设为示例值；由 csghub-errorx 本身生成。",
    all_modules: "模块",
    script: [
        ("notInCatalog", "不在此目录中：由较新的对端发送"),
        ("didYouMean", "您是不是要找："),
        ("noMatch", "没有匹配的错误码"),
        ("module", "模块"),
    ],
};

const TRADITIONAL: Labels = Labels {
    errors: "錯誤碼",
    search: "搜尋：GIT-ERR-8、gitAuthFailed、GIT_AUTH_FAILED、GIT 8",
    code: "錯誤碼",
    name: "名稱",
    reason: "原因 (AIP-193)",
    module: "模組",
    grpc_code: "gRPC 狀態碼",
    http_status: "HTTP 狀態碼",
    description: "說明",
    message: "訊息",
    detailed: "詳細訊息",
    context_keys: "上下文鍵",
    retry: "重試",
    retry_never: "不重試",
    retry_after_delay: "按伺服器給出的延遲重試",
    retry_backoff: "指數退避重試",
    none: "無",
    type_uri: "問題類型",
    wire: "傳輸格式",
    grpc_details: "gRPC：grpc-status-details-bin，errorx decode 的輸出",
    google_json: "HTTP JSON，AIP-193（Google）格式",
    csghub_json: "HTTP JSON，CSGHub 格式",
    problem_json: "HTTP，RFC 9457 problem+json（Accept: application/problem+json）",
    example_note: "每個上下文鍵都設為示例值；由 csghub-errorx 本身產生。",
    all_modules: "模組",
    script: [
        ("notInCatalog", "不在此目錄中：由較新的對端發送"),
        ("didYouMean", "你是否要找："),
        ("noMatch", "沒有相符的錯誤碼"),
        ("module", "模組"),
    ],
};
