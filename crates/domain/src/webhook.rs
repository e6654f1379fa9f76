//! Outbound notifications to group chats: the robots of WeCom (企业微信) and DingTalk (钉钉).
//!
//! A grid's office configures a robot's webhook URL; what the platform tells the people of the
//! grid (new incidents, SOS, alarms, escalations) is also posted there, in the robot's message
//! format. Deliveries that fail are retried with a growing delay and given up after
//! [`MAX_ATTEMPTS`]; every attempt is logged.

use chrono::Duration;
use serde_json::{Value, json};

/// Which robot a webhook URL belongs to: the message formats differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum RobotKind {
    /// 企业微信群机器人: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`.
    Wecom,
    /// 钉钉自定义机器人: `https://oapi.dingtalk.com/robot/send?access_token=…`, optionally signed.
    Dingtalk,
}

impl RobotKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RobotKind::Wecom => "wecom",
            RobotKind::Dingtalk => "dingtalk",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "wecom" => Some(RobotKind::Wecom),
            "dingtalk" => Some(RobotKind::Dingtalk),
            _ => None,
        }
    }
}

/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: u32 = 6;

/// How long to wait after failed attempt number `attempt` (1-based) before the next one:
/// 1, 2, 4, 8 and 16 minutes; `None` once [`MAX_ATTEMPTS`] have failed.
pub fn retry_delay(attempt: u32) -> Option<Duration> {
    (1..MAX_ATTEMPTS)
        .contains(&attempt)
        .then(|| Duration::minutes(1_i64 << (attempt - 1)))
}

/// The robot's message (markdown) for a notification; `link` is an absolute URL of the
/// platform page, when there is one.
pub fn robot_message(
    kind: RobotKind,
    title: &str,
    body: &str,
    link: Option<&str>,
    urgent: bool,
) -> Value {
    let heading = match kind {
        // WeCom's markdown knows three font colours; "warning" is orange-red.
        RobotKind::Wecom if urgent => format!("### <font color=\"warning\">{title}</font>"),
        _ => format!("### {title}"),
    };
    let mut parts = vec![heading];
    let body = body.trim();
    if !body.is_empty() {
        parts.push(format!("> {}", body.replace('\n', "\n> ")));
    }
    if let Some(url) = link {
        parts.push(format!("\n[查看详情]({url})"));
    }
    let text = parts.join("\n");
    match kind {
        RobotKind::Wecom => json!({"msgtype": "markdown", "markdown": {"content": text}}),
        RobotKind::Dingtalk => {
            json!({"msgtype": "markdown", "markdown": {"title": title, "text": text}})
        }
    }
}

/// Whether a robot accepted a message: HTTP 2xx and, as both robots answer, `errcode` 0 in the
/// JSON body. The error otherwise, for the delivery log.
pub fn robot_accepted(status: u16, body: &str) -> Result<(), String> {
    if !(200..300).contains(&status) {
        return Err(format!("HTTP {status}"));
    }
    match serde_json::from_str::<Value>(body) {
        Ok(v) if v["errcode"].as_i64().unwrap_or(0) == 0 => Ok(()),
        Ok(v) => Err(format!(
            "errcode {}: {}",
            v["errcode"],
            v["errmsg"].as_str().unwrap_or_default()
        )),
        // A 2xx without JSON: a relay that does not speak the robots' protocol; take it.
        Err(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_double_then_stop() {
        let waits: Vec<i64> = (1..=MAX_ATTEMPTS)
            .map_while(retry_delay)
            .map(|d| d.num_minutes())
            .collect();
        assert_eq!(waits, vec![1, 2, 4, 8, 16]);
        assert_eq!(retry_delay(MAX_ATTEMPTS), None);
        assert_eq!(retry_delay(0), None);
    }

    #[test]
    fn messages_follow_each_robots_format() {
        let w = robot_message(
            RobotKind::Wecom,
            "【紧急】一键求助",
            "扭伤脚踝\n需要救援",
            Some("https://lz.example.cn/incidents/1"),
            true,
        );
        assert_eq!(w["msgtype"], "markdown");
        let content = w["markdown"]["content"].as_str().unwrap_or_default();
        assert!(content.starts_with("### <font color=\"warning\">【紧急】一键求助</font>"));
        assert!(content.contains("> 扭伤脚踝\n> 需要救援"));
        assert!(content.ends_with("[查看详情](https://lz.example.cn/incidents/1)"));
        let d = robot_message(RobotKind::Dingtalk, "新事件：盗伐", "", None, false);
        assert_eq!(d["markdown"]["title"], "新事件：盗伐");
        assert_eq!(d["markdown"]["text"], "### 新事件：盗伐");
        assert_eq!(RobotKind::parse("dingtalk"), Some(RobotKind::Dingtalk));
        assert_eq!(RobotKind::parse("slack"), None);
    }

    #[test]
    fn acceptance_reads_errcode() {
        assert!(robot_accepted(200, r#"{"errcode":0,"errmsg":"ok"}"#).is_ok());
        assert_eq!(
            robot_accepted(200, r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#),
            Err("errcode 93000: invalid webhook url".into())
        );
        assert_eq!(robot_accepted(502, ""), Err("HTTP 502".into()));
        assert!(robot_accepted(204, "").is_ok());
    }
}
