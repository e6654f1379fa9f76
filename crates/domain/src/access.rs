//! Who may do what, and where. Roles grant actions; a scope (the grid subtree a user belongs to)
//! limits the records they apply to. The store filters every query by scope; this module only
//! states the rules.

use serde::{Deserialize, Serialize};

use crate::grid::GridCode;

/// A user's role (角色).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    /// 系统管理员: users, code tables, everything in scope.
    Admin,
    /// 林长办工作人员: the chief office; manages people, posts, staff and areas.
    Office,
    /// 林长: a forest chief (any level).
    Chief,
    /// 护林员.
    Ranger,
    /// 技术员.
    Technician,
    /// 警员.
    Police,
    /// 成员单位: a member department's account.
    Department,
    /// 审计员: reads the audit log.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::Office,
        Role::Chief,
        Role::Ranger,
        Role::Technician,
        Role::Police,
        Role::Department,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Office => "office",
            Role::Chief => "chief",
            Role::Ranger => "ranger",
            Role::Technician => "technician",
            Role::Police => "police",
            Role::Department => "department",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether this role may perform `action` (inside its scope).
    pub fn can(self, action: Action) -> bool {
        use Action::{
            DecideAlarms, EditCodeTables, ImportLayers, ManageUsers, ReadAudit, ReadLayers,
            ReadOrg, SuperviseTracks, VerifyChangeSpots, WriteOrg,
        };
        match action {
            ReadOrg | ReadLayers => true,
            SuperviseTracks | DecideAlarms => {
                matches!(self, Role::Admin | Role::Office | Role::Chief)
            }
            VerifyChangeSpots => !matches!(self, Role::Auditor | Role::Department),
            WriteOrg | ImportLayers => matches!(self, Role::Admin | Role::Office),
            ManageUsers | EditCodeTables => self == Role::Admin,
            ReadAudit => matches!(self, Role::Admin | Role::Auditor),
        }
    }
}

/// Something a user may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read grids, posts, people, staff and areas.
    ReadOrg,
    /// Create or change people, posts and appointments, staff, teams and areas.
    WriteOrg,
    /// Create, lock and unlock accounts; revoke others' sessions.
    ManageUsers,
    /// Publish a new version of a code table.
    EditCodeTables,
    /// Read the audit log.
    ReadAudit,
    /// Read the map layers, their features and statistics.
    ReadLayers,
    /// Import GIS files into a layer, or withdraw an import.
    ImportLayers,
    /// See the patrol tracks of others in scope (tracks are personal data; the walker always
    /// sees his own).
    SuperviseTracks,
    /// Confirm a camera alarm as a fire, or dismiss it.
    DecideAlarms,
    /// Record the field verification of a change spot.
    VerifyChangeSpots,
}

/// The grid subtree a request may see: the user's grid and everything below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// The root's materialised path (see [`crate::grid::child_path`]); a record is in scope when
    /// its grid's path starts with this.
    pub path: String,
}

impl Scope {
    /// The subtree under the grid with this path.
    pub fn under(path: impl Into<String>) -> Self {
        Self { path: path.into() }
    }

    /// Every grid: for the system itself and command-line operators.
    pub fn everything() -> Self {
        Self { path: "/".into() }
    }

    /// The code of the scope's root grid, if it has one.
    pub fn root(&self) -> Option<GridCode> {
        GridCode::from_path(&self.path).ok()
    }

    /// Whether a grid with the given path is inside this scope.
    pub fn contains_path(&self, path: &str) -> bool {
        path.starts_with(&self.path)
    }

    /// A `LIKE` pattern matching every path in scope.
    pub fn like_pattern(&self) -> String {
        format!("{}%", self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_office_and_admin_write_the_organisation() {
        let writers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.can(Action::WriteOrg))
            .collect();
        assert_eq!(writers, vec![Role::Admin, Role::Office]);
        assert!(!Role::Ranger.can(Action::WriteOrg));
    }

    #[test]
    fn audit_is_for_admins_and_auditors() {
        assert!(Role::Auditor.can(Action::ReadAudit));
        assert!(Role::Admin.can(Action::ReadAudit));
        assert!(!Role::Office.can(Action::ReadAudit));
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn scope_contains_its_subtree_only() {
        let scope = Scope::under("/320200/320205/");
        assert_eq!(scope.root(), GridCode::parse("320205").ok());
        assert_eq!(Scope::everything().root(), None);
        assert!(Scope::everything().contains_path("/320200/320281/"));
        assert!(scope.contains_path("/320200/320205/320205001/"));
        assert!(!scope.contains_path("/320200/320281/"));
        assert!(!scope.contains_path("/320200/"));
    }
}
