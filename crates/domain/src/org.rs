//! Organisations and the roles people hold in them (DESIGN.md, "Who uses it").
use serde::{Deserialize, Serialize};

use crate::{parse_name, InvalidInput};

/// The three kinds of organisation the regulation involves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// The industry association that issues the regulation (SR-12, SR-13).
    Association,
    /// A member company, bound by the regulation.
    Company,
    /// The regulator, which receives incident notices and violation outcomes.
    Regulator,
}

const ORG_KINDS: &[(OrgKind, &str)] = &[
    (OrgKind::Association, "association"),
    (OrgKind::Company, "company"),
    (OrgKind::Regulator, "regulator"),
];

impl OrgKind {
    pub fn parse(field: &str, value: &str) -> Result<Self, InvalidInput> {
        parse_name(field, value, ORG_KINDS)
    }

    pub fn as_str(self) -> &'static str {
        ORG_KINDS
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("", |(_, n)| n)
    }

    /// The role of the first administrator of an organisation of this kind.
    pub fn admin_role(self) -> Role {
        match self {
            OrgKind::Association => Role::AssociationAdmin,
            OrgKind::Company => Role::SecurityOfficer,
            OrgKind::Regulator => Role::RegulatorViewer,
        }
    }
}

/// What a person may do, within their own organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    AssociationAdmin,
    CommitteeMember,
    RegulatorViewer,
    SecurityOfficer,
    SystemOwner,
    Hr,
    InternalAuditor,
    Assessor,
}

const ROLES: &[(Role, &str)] = &[
    (Role::AssociationAdmin, "association_admin"),
    (Role::CommitteeMember, "committee_member"),
    (Role::RegulatorViewer, "regulator_viewer"),
    (Role::SecurityOfficer, "security_officer"),
    (Role::SystemOwner, "system_owner"),
    (Role::Hr, "hr"),
    (Role::InternalAuditor, "internal_auditor"),
    (Role::Assessor, "assessor"),
];

impl Role {
    pub fn parse(field: &str, value: &str) -> Result<Self, InvalidInput> {
        parse_name(field, value, ROLES)
    }

    /// Every role, in the order of DESIGN.md.
    pub fn all() -> Vec<Role> {
        ROLES.iter().map(|(r, _)| *r).collect()
    }

    pub fn as_str(self) -> &'static str {
        ROLES
            .iter()
            .find(|(r, _)| *r == self)
            .map_or("", |(_, n)| n)
    }

    /// The kind of organisation this role belongs to.
    pub fn org_kind(self) -> OrgKind {
        match self {
            Role::AssociationAdmin | Role::CommitteeMember => OrgKind::Association,
            Role::RegulatorViewer => OrgKind::Regulator,
            Role::SecurityOfficer
            | Role::SystemOwner
            | Role::Hr
            | Role::InternalAuditor
            | Role::Assessor => OrgKind::Company,
        }
    }

    /// Refuses a role that does not exist in an organisation of `kind`.
    pub fn check_fits(self, field: &str, kind: OrgKind) -> Result<(), InvalidInput> {
        if self.org_kind() == kind {
            Ok(())
        } else {
            Err(InvalidInput::new(
                field,
                format!(
                    "role {} belongs to a {} organisation, not a {}",
                    self.as_str(),
                    self.org_kind().as_str(),
                    kind.as_str()
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for (r, n) in ROLES {
            assert_eq!(Role::parse("r", n).unwrap(), *r);
            assert_eq!(r.as_str(), *n);
        }
        for (k, n) in ORG_KINDS {
            assert_eq!(OrgKind::parse("k", n).unwrap(), *k);
        }
        let err = Role::parse("--role", "boss").unwrap_err().to_string();
        assert!(
            err.starts_with("--role: \"boss\" is not one of: association_admin"),
            "{err}"
        );
    }

    #[test]
    fn roles_fit_their_organisation_kind() {
        assert!(Role::Assessor.check_fits("r", OrgKind::Company).is_ok());
        assert!(Role::Assessor
            .check_fits("r", OrgKind::Association)
            .is_err());
        for k in [OrgKind::Association, OrgKind::Company, OrgKind::Regulator] {
            assert!(k.admin_role().check_fits("r", k).is_ok());
        }
    }
}
