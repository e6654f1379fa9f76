//! What the public may see of personal data. Until the sign-board rules per level (G3) are
//! configured, every phone number shown to the public is masked.

/// Masks a phone number for public display: the first three and last four digits stay
/// (`13962900594` → `139****0594`); anything shorter than eight characters is hidden whole.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.trim().chars().collect();
    if chars.len() < 8 {
        return "****".to_owned();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// Whether a post's holder is named on the public page of an area (and, later, its sign board):
/// every chief and deputy of the area's own grid, and only the chief (or chief-in-general) of
/// each grid above it.
pub fn named_on_public_page(kind: crate::org::PostKind, own_grid: bool) -> bool {
    use crate::org::PostKind;
    own_grid || matches!(kind, PostKind::Chief | PostKind::ChiefGeneral)
}

#[cfg(test)]
mod tests {
    use super::{mask_phone, named_on_public_page};
    use crate::org::PostKind;

    #[test]
    fn deputies_above_the_area_are_not_named() {
        assert!(named_on_public_page(PostKind::DeputyChief, true));
        assert!(named_on_public_page(PostKind::Chief, false));
        assert!(named_on_public_page(PostKind::ChiefGeneral, false));
        assert!(!named_on_public_page(PostKind::DeputyChief, false));
        assert!(!named_on_public_page(PostKind::DeputyChiefGeneral, false));
    }

    #[test]
    fn phones_keep_only_their_ends() {
        assert_eq!(mask_phone("13962900594"), "139****0594");
        assert_eq!(mask_phone(" 0510-85012345 "), "051****2345");
        assert_eq!(mask_phone("110"), "****");
        assert_eq!(mask_phone(""), "****");
    }
}
