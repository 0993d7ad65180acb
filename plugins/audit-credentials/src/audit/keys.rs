//! Access keys: age, use, and how many are active.

use switchyard_sdk::credentials::AccessKey;
use switchyard_sdk::date;

use super::{Finding, Severity, UserCredentials, active, count, finding};
use crate::input::Input;

/// Adds the findings about `user`'s access keys, as of `now`. Inactive keys are not reported.
pub fn check(input: &Input, now: i64, user: &UserCredentials, out: &mut Vec<Finding>) {
    let name = user.name.as_str();
    let who = Some(name);
    let active_keys: Vec<&AccessKey> = user.keys.iter().filter(|k| active(k.status)).collect();
    for key in &active_keys {
        let id = key.masked_id.as_str();
        // Only the masked id is known: the command names the key by its last characters.
        let deactivate = format!(
            "`aws iam update-access-key --user-name {name} --access-key-id <the id ending {}> --status Inactive`",
            id.trim_start_matches('*')
        );
        let age = date::days_between(key.created, now);
        if age > i64::from(input.key_max_age_days) {
            out.push(finding(
                "key-older-than",
                Severity::Warning,
                who,
                Some(id),
                format!(
                    "the access key is {} old (created {}; more than `key_max_age_days` = {})",
                    count(age, "day"),
                    date::date(key.created),
                    input.key_max_age_days
                ),
                format!(
                    "rotate it: create a new key (`aws iam create-access-key --user-name {name}`), switch \
                     what uses this one to it, deactivate this one ({deactivate}), and delete it once nothing \
                     fails"
                ),
            ));
        }
        let unused = match &key.last_used {
            None => Some("the access key was never used".to_owned()),
            Some(u) => {
                let idle = date::days_between(u.date, now);
                (idle > i64::from(input.key_unused_days)).then(|| {
                    format!(
                        "the access key was not used for {} (last: {}, {}, {}; more than `key_unused_days` = {})",
                        count(idle, "day"),
                        date::date(u.date),
                        u.service,
                        u.region,
                        input.key_unused_days
                    )
                })
            }
        };
        if let Some(message) = unused {
            out.push(finding(
                "key-unused",
                Severity::Warning,
                who,
                Some(id),
                message,
                format!(
                    "nothing needs it: deactivate it ({deactivate}), wait for anything to complain, then delete it"
                ),
            ));
        }
    }
    if let [first, second, ..] = active_keys.as_slice() {
        out.push(finding(
            "two-active-keys",
            Severity::Warning,
            who,
            None,
            format!(
                "the user has two active access keys, {} and {}",
                first.masked_id, second.masked_id
            ),
            "keep one: an IAM user needs a second key only while rotating. Switch everything to the newer key, \
             then deactivate and delete the other",
        ));
    }
}
