//! Staff accounts as a manager's desk sees them, through the database's
//! staff functions (which decide who may call them). Passwords reach the
//! server only as SCRAM verifiers made here.

use clinic_admin::scram;
use clinic_domain::staff::{IssuedPassword, NewStaffMember, StaffAccess, StaffLogin, StaffMember};
use clinic_domain::{AppError, AppResult, Entity};

use crate::repo::staff;
use crate::{commit, Clinic};

impl Clinic {
    /// Who this pool's login is and what the grants let it do.
    #[tracing::instrument(skip_all)]
    pub async fn my_access(&self) -> AppResult<StaffAccess> {
        staff::my_access(&mut *self.conn().await?).await
    }

    /// Which of `logins` may still sign in as the clinic's staff (see
    /// `repo::staff::may_sign_in`).
    #[tracing::instrument(skip_all)]
    pub async fn logins_that_may_sign_in(&self, logins: &[String]) -> AppResult<Vec<String>> {
        if logins.is_empty() {
            return Ok(Vec::new());
        }
        staff::may_sign_in(&mut *self.conn().await?, logins).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn staff_members(&self) -> AppResult<Vec<StaffMember>> {
        staff::members(&mut *self.conn().await?).await
    }

    /// Adds a staff member with a generated initial password (returned once;
    /// only its SCRAM verifier reaches the server).
    #[tracing::instrument(skip_all, fields(login = %input.login))]
    pub async fn add_staff_member(&self, input: &NewStaffMember) -> AppResult<IssuedPassword> {
        let member = input.validate()?;
        let password = clinic_admin::staff::generated_password();
        let mut tx = self.begin().await?;
        staff::add(&mut tx, &member, &scram::verifier(&password)).await?;
        commit(tx).await?;
        Ok(IssuedPassword { member: self.staff_member(&member.login).await?, password })
    }

    /// Disabling ends the member's open sessions and refuses sign-in.
    #[tracing::instrument(skip_all, fields(%login, active))]
    pub async fn set_staff_active(&self, login: &str, active: bool) -> AppResult<StaffMember> {
        let login = StaffLogin::parse("login", login)?;
        staff::set_active(&mut *self.conn().await?, &login, active).await?;
        self.staff_member(&login).await
    }

    /// A new generated password, returned once.
    #[tracing::instrument(skip_all, fields(%login))]
    pub async fn reset_staff_password(&self, login: &str) -> AppResult<IssuedPassword> {
        let login = StaffLogin::parse("login", login)?;
        let password = clinic_admin::staff::generated_password();
        staff::set_password(&mut *self.conn().await?, &login, &scram::verifier(&password)).await?;
        Ok(IssuedPassword { member: self.staff_member(&login).await?, password })
    }

    async fn staff_member(&self, login: &StaffLogin) -> AppResult<StaffMember> {
        self.staff_members()
            .await?
            .into_iter()
            .find(|m| m.login == login.as_str())
            .ok_or_else(|| AppError::not_found(Entity::StaffMember, login))
    }
}
