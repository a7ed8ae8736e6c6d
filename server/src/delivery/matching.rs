//! Which webhooks an event fires (DESIGN.md §4), and in which order they are called.
//!
//! An event fires a webhook when the webhook is active, the event type is equal, for
//! `CustomInterviewEvent` the event name is equal, and each non-empty Work Groups / Templates list
//! contains the event's work group / template key. An empty list matches every key and also an
//! event without one; a non-empty list never matches an event without a key. Keys compare exactly.
//!
//! `Send test event` deliberately bypasses [`matches`]: it targets one webhook, active or not.

/// Event type whose webhooks also match on the Interview Event Name.
pub const CUSTOM_INTERVIEW_EVENT: &str = "CustomInterviewEvent";

/// The parts of a webhook that decide whether an event fires it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// Webhook id.
    pub id: i32,
    /// "Webhook active".
    pub active: bool,
    /// "Event type", its wire name (e.g. `InterviewLoadEvent`).
    pub event_type: String,
    /// "Interview Event Name" (CustomInterviewEvent only).
    pub event_name: Option<String>,
    /// Keys of the selected "Work Groups"; empty means all.
    pub work_groups: Vec<String>,
    /// Keys of the selected "Templates"; empty means all.
    pub templates: Vec<String>,
    /// Call order among synchronous webhooks of one type (lower first).
    pub position: i32,
}

/// What an event says about where it belongs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EventRoute {
    /// Event type wire name.
    pub event_type: String,
    /// Interview event name of a custom interview event.
    pub event_name: Option<String>,
    /// Work group key, if the event has one.
    pub work_group: Option<String>,
    /// Template key, if the event has one.
    pub template: Option<String>,
}

/// An empty filter matches everything; otherwise the event must carry a listed key.
fn filter_matches(filter: &[String], key: Option<&str>) -> bool {
    filter.is_empty() || key.is_some_and(|key| filter.iter().any(|k| k == key))
}

/// Whether `route` fires `subscription`.
pub fn matches(subscription: &Subscription, route: &EventRoute) -> bool {
    subscription.active
        && subscription.event_type == route.event_type
        && (route.event_type != CUSTOM_INTERVIEW_EVENT
            || (subscription.event_name.is_some() && subscription.event_name == route.event_name))
        && filter_matches(&subscription.work_groups, route.work_group.as_deref())
        && filter_matches(&subscription.templates, route.template.as_deref())
}

/// Sorts webhooks into the administrators' call order: by position, then id.
pub fn in_call_order(mut subscriptions: Vec<Subscription>) -> Vec<Subscription> {
    subscriptions.sort_by_key(|s| (s.position, s.id));
    subscriptions
}

/// The webhooks `route` fires, in call order.
pub fn fired_by(subscriptions: Vec<Subscription>, route: &EventRoute) -> Vec<Subscription> {
    in_call_order(subscriptions.into_iter().filter(|s| matches(s, route)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn webhook(event_type: &str) -> Subscription {
        Subscription {
            id: 1,
            active: true,
            event_type: event_type.into(),
            event_name: None,
            work_groups: vec![],
            templates: vec![],
            position: 0,
        }
    }

    fn event(event_type: &str) -> EventRoute {
        EventRoute { event_type: event_type.into(), ..EventRoute::default() }
    }

    fn keys(keys: &[&str]) -> Vec<String> {
        keys.iter().map(|k| (*k).to_owned()).collect()
    }

    #[test]
    fn active_webhook_of_the_same_type_without_filters_receives_the_event() {
        assert!(matches(&webhook("NewWorkItemVersionComplete"), &event("NewWorkItemVersionComplete")));
    }

    #[test]
    fn inactive_webhook_receives_nothing() {
        let hook = Subscription { active: false, ..webhook("NewWorkItemVersionComplete") };
        assert!(!matches(&hook, &event("NewWorkItemVersionComplete")));
    }

    #[test]
    fn other_event_type_does_not_fire_the_webhook() {
        assert!(!matches(&webhook("InterviewLoadEvent"), &event("NewWorkItemVersionComplete")));
    }

    #[test]
    fn custom_interview_event_needs_an_equal_event_name() {
        let hook = Subscription { event_name: Some("Approve".into()), ..webhook(CUSTOM_INTERVIEW_EVENT) };
        let named =
            |name: Option<&str>| EventRoute { event_name: name.map(str::to_owned), ..event(CUSTOM_INTERVIEW_EVENT) };
        assert!(matches(&hook, &named(Some("Approve"))));
        assert!(!matches(&hook, &named(Some("approve"))));
        assert!(!matches(&hook, &named(Some("Reject"))));
        assert!(!matches(&hook, &named(None)));
    }

    #[test]
    fn custom_interview_webhook_without_a_name_matches_nothing() {
        let unnamed = EventRoute { event_name: None, ..event(CUSTOM_INTERVIEW_EVENT) };
        assert!(!matches(&webhook(CUSTOM_INTERVIEW_EVENT), &unnamed));
    }

    #[test]
    fn event_name_is_ignored_for_other_event_types() {
        let hook = Subscription { event_name: Some("stale".into()), ..webhook("InterviewLoadEvent") };
        let route = EventRoute { event_name: Some("other".into()), ..event("InterviewLoadEvent") };
        assert!(matches(&hook, &route));
    }

    #[test]
    fn empty_work_group_list_matches_every_work_group() {
        let hook = webhook("InterviewLoadEvent");
        for work_group in [Some("sales"), Some("legal"), None] {
            let route = EventRoute { work_group: work_group.map(str::to_owned), ..event("InterviewLoadEvent") };
            assert!(matches(&hook, &route), "{work_group:?}");
        }
    }

    #[test]
    fn work_group_list_matches_only_listed_work_groups() {
        let hook = Subscription { work_groups: keys(&["sales", "legal"]), ..webhook("InterviewLoadEvent") };
        let route = |wg: &str| EventRoute { work_group: Some(wg.into()), ..event("InterviewLoadEvent") };
        assert!(matches(&hook, &route("sales")));
        assert!(matches(&hook, &route("legal")));
        assert!(!matches(&hook, &route("hr")));
        assert!(!matches(&hook, &route("Sales")));
    }

    #[test]
    fn event_without_work_group_only_matches_webhooks_without_work_groups() {
        let filtered = Subscription { work_groups: keys(&["sales"]), ..webhook("InterviewLoadEvent") };
        assert!(!matches(&filtered, &event("InterviewLoadEvent")));
        assert!(matches(&webhook("InterviewLoadEvent"), &event("InterviewLoadEvent")));
    }

    #[test]
    fn template_list_matches_only_listed_templates_and_empty_matches_all() {
        let hook = Subscription { templates: keys(&["nda"]), ..webhook("PostProcessingEvent") };
        let route = |t: Option<&str>| EventRoute { template: t.map(str::to_owned), ..event("PostProcessingEvent") };
        assert!(matches(&hook, &route(Some("nda"))));
        assert!(!matches(&hook, &route(Some("lease"))));
        assert!(!matches(&hook, &route(None)));
        assert!(matches(&webhook("PostProcessingEvent"), &route(Some("lease"))));
        assert!(matches(&webhook("PostProcessingEvent"), &route(None)));
    }

    #[test]
    fn both_filters_must_match() {
        let hook = Subscription {
            work_groups: keys(&["sales"]),
            templates: keys(&["nda"]),
            ..webhook("NewWorkItemVersionComplete")
        };
        let route = |wg: &str, t: &str| EventRoute {
            work_group: Some(wg.into()),
            template: Some(t.into()),
            ..event("NewWorkItemVersionComplete")
        };
        assert!(matches(&hook, &route("sales", "nda")));
        assert!(!matches(&hook, &route("sales", "lease")));
        assert!(!matches(&hook, &route("hr", "nda")));
    }

    #[test]
    fn call_order_is_by_position_then_id() {
        let at = |id, position| Subscription { id, position, ..webhook("InterviewLoadEvent") };
        let ordered = in_call_order(vec![at(5, 2), at(9, 0), at(3, 1), at(1, 1)]);
        let ids: Vec<i32> = ordered.iter().map(|s| s.id).collect();
        assert_eq!(ids, [9, 1, 3, 5]);
    }

    #[test]
    fn fired_by_filters_then_orders() {
        let at = |id, position, active| Subscription { id, position, active, ..webhook("InterviewLoadEvent") };
        let hooks = vec![at(1, 3, true), at(2, 1, false), at(3, 2, true), Subscription { id: 4, ..webhook("X") }];
        let ids: Vec<i32> = fired_by(hooks, &event("InterviewLoadEvent")).iter().map(|s| s.id).collect();
        assert_eq!(ids, [3, 1]);
    }
}
