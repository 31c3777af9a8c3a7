use csghub_errorx::CatalogError;

#[derive(CatalogError)]
union Bits {
    number: u32,
    float: f32,
}

fn main() {}
