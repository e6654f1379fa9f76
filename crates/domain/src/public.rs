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

#[cfg(test)]
mod tests {
    use super::mask_phone;

    #[test]
    fn phones_keep_only_their_ends() {
        assert_eq!(mask_phone("13962900594"), "139****0594");
        assert_eq!(mask_phone(" 0510-85012345 "), "051****2345");
        assert_eq!(mask_phone("110"), "****");
        assert_eq!(mask_phone(""), "****");
    }
}
