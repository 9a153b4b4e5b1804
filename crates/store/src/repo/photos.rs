use clinic_domain::ids::PhotoId;
use clinic_domain::AppResult;
use sqlx::PgConnection;

use crate::error::DbResultExt;

pub async fn insert(conn: &mut PgConnection, id: PhotoId, media_type: &str, content: &[u8]) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO photos (photo_id, media_type, content) VALUES ($1, $2, $3)",
        id as PhotoId,
        media_type,
        content
    )
    .execute(conn)
    .await
    .db()?;
    Ok(())
}

/// The photo's media type and bytes.
pub async fn get(conn: &mut PgConnection, id: PhotoId) -> AppResult<Option<(String, Vec<u8>)>> {
    let row = sqlx::query!("SELECT media_type, content FROM photos WHERE photo_id = $1", id as PhotoId)
        .fetch_optional(conn)
        .await
        .db()?;
    Ok(row.map(|r| (r.media_type, r.content)))
}
