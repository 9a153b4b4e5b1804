//! Staff accounts as a manager's desk sees them, through the database's
//! staff functions (which decide who may call them).

use clinic_domain::staff::{StaffAccess, StaffMember};
use clinic_domain::AppResult;

use crate::repo::staff;
use crate::Clinic;

impl Clinic {
    /// Who this pool's login is and what the grants let it do.
    pub async fn my_access(&self) -> AppResult<StaffAccess> {
        staff::my_access(&mut *self.conn().await?).await
    }

    pub async fn staff_members(&self) -> AppResult<Vec<StaffMember>> {
        staff::members(&mut *self.conn().await?).await
    }
}
