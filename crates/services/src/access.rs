//! Who may do what: the signed-in principal, the permissions of each role
//! (DESIGN.md, "Who uses it") and the organisation every request is scoped to.
use serde::Serialize;
use zilv_domain::{OrgKind, Role};
use zilv_store::orgs::{self, Org};
use zilv_store::Conn;

use crate::orgs::resolve;
use crate::{Ctx, Result, ServiceError};

/// A signed-in user (through a session or an API token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    pub user_id: i64,
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    pub org_kind: OrgKind,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// False for an API token of scope `read`: no change is allowed.
    pub may_write: bool,
}

/// What a use case requires of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// See the organisation's systems and assets.
    ViewRegisters,
    /// Add and change systems, assets and incidents.
    EditRegisters,
    /// Add users of the own organisation and change their roles.
    ManageUsers,
    /// Browse and export the organisation's audit trail.
    ViewAudit,
    /// The association's view of its member companies.
    ViewMembers,
    /// See assessment plans, assessors, assessments and drills (an
    /// assessor: only the assessments whose team they are on).
    ViewAssessments,
    /// Manage plans, assessors, assessments and drills; approve plans;
    /// accept risks and dismiss false positives.
    ManageAssessments,
    /// Record item decisions, results and evidence of an assessment (an
    /// assessor: only on the assessments whose team they are on).
    RecordResults,
    /// See findings (an assessor: only those of their assessments).
    ViewFindings,
    /// Add findings and work on their remediation (a system owner: the
    /// findings they own).
    EditFindings,
    /// Verify or reject a fixed finding: the follow-up review of EVAL-8 by
    /// the internal audit unit.
    VerifyFindings,
}

impl Permission {
    /// Whether the permission changes data (refused to read-only tokens).
    fn writes(self) -> bool {
        matches!(
            self,
            Permission::EditRegisters
                | Permission::ManageUsers
                | Permission::ManageAssessments
                | Permission::RecordResults
                | Permission::EditFindings
                | Permission::VerifyFindings
        )
    }

    fn name(self) -> &'static str {
        match self {
            Permission::ViewRegisters => "view systems and assets",
            Permission::EditRegisters => "change systems and assets",
            Permission::ManageUsers => "manage users",
            Permission::ViewAudit => "view the audit trail",
            Permission::ViewMembers => "view member companies",
            Permission::ViewAssessments => "view assessments",
            Permission::ManageAssessments => {
                "manage assessment plans, assessors, assessments and drills"
            }
            Permission::RecordResults => "record assessment results",
            Permission::ViewFindings => "view findings",
            Permission::EditFindings => "change findings",
            Permission::VerifyFindings => "verify fixed findings (EVAL-8)",
        }
    }
}

/// The permissions of each role. An assessor sees only the assessments
/// assigned to them (checked per assessment), never the registers; a system
/// owner changes only the findings they own.
pub fn role_allows(role: Role, perm: Permission) -> bool {
    use Permission as P;
    match role {
        Role::SecurityOfficer => matches!(
            perm,
            P::ViewRegisters
                | P::EditRegisters
                | P::ManageUsers
                | P::ViewAudit
                | P::ViewAssessments
                | P::ManageAssessments
                | P::RecordResults
                | P::ViewFindings
                | P::EditFindings
        ),
        Role::SystemOwner => matches!(
            perm,
            P::ViewRegisters | P::EditRegisters | P::ViewFindings | P::EditFindings
        ),
        Role::Hr => matches!(perm, P::ViewRegisters),
        Role::InternalAuditor => matches!(
            perm,
            P::ViewRegisters
                | P::ViewAudit
                | P::ViewAssessments
                | P::ViewFindings
                | P::VerifyFindings
        ),
        Role::Assessor => matches!(
            perm,
            P::ViewAssessments | P::RecordResults | P::ViewFindings | P::EditFindings
        ),
        Role::AssociationAdmin => matches!(perm, P::ViewMembers | P::ManageUsers | P::ViewAudit),
        Role::CommitteeMember => matches!(perm, P::ViewMembers),
        Role::RegulatorViewer => false,
    }
}

impl Principal {
    pub fn can(&self, perm: Permission) -> bool {
        role_allows(self.role, perm) && (self.may_write || !perm.writes())
    }
}

impl Ctx {
    /// Refuses the caller unless it holds `perm`; the operator holds every one.
    pub fn require(&self, perm: Permission) -> Result<()> {
        match &self.principal {
            None => Ok(()),
            Some(p) if p.can(perm) => Ok(()),
            Some(p) => Err(ServiceError::Forbidden(format!(
                "the role {} may not {}",
                p.role.as_str(),
                perm.name()
            ))),
        }
    }
}

/// The organisation a request acts on, after checking `perm`. A signed-in
/// user acts only on their own organisation: naming another one is "not
/// found". The operator names any organisation (or the only company).
pub async fn scope(
    conn: &mut Conn,
    ctx: &Ctx,
    code: Option<&str>,
    perm: Permission,
) -> Result<Org> {
    ctx.require(perm)?;
    match &ctx.principal {
        None => resolve(conn, code).await,
        Some(p) => {
            if code.is_some_and(|c| c != p.org_code) {
                return Err(ServiceError::NotFound {
                    what: "organisation",
                    key: code.unwrap_or_default().to_string(),
                });
            }
            orgs::by_id(conn, p.org_id)
                .await?
                .ok_or_else(|| ServiceError::NotFound {
                    what: "organisation",
                    key: p.org_code.clone(),
                })
        }
    }
}

/// Roles a member company's or the association's admin may hand out.
pub fn assignable(org_kind: OrgKind) -> Vec<Role> {
    Role::all()
        .into_iter()
        .filter(|r| r.org_kind() == org_kind)
        .collect()
}
