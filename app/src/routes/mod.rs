//! One file per page. Each page's view is compiled into its own WASM chunk (see [`lazy_page`]):
//! the browser fetches the main module and the chunks of the page it opens, and the rest when
//! the router first goes there.
pub mod api_keys;
pub mod audit;
pub mod catalog;
pub mod deliveries;
pub mod home;
pub mod login;
pub mod status;
pub mod users;
pub mod webhook_delete;
pub mod webhook_detail;
pub mod webhook_edit;
pub mod webhook_list;
pub mod webhook_new;

pub use crate::submission::use_submission;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The `:id` in the path, if it is a number.
pub fn use_id_param() -> Memo<Option<i32>> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok())))
}

/// Declares `$route`, the lazily loaded form of the page component `$page` for the router
/// (`view={Lazy::<$route>::new()}`). The build splits (`cargo leptos build --split`, see the Makefile): the page's view code
/// and what only it uses go into a separate WASM chunk; on the server it renders as usual.
macro_rules! lazy_page {
    ($($route:ident => $page:path),+ $(,)?) => {$(
        #[doc = concat!("The router's lazily loaded [`", stringify!($page), "`].")]
        pub struct $route;

        #[leptos_router::lazy_route]
        impl leptos_router::LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                $page().into_any()
            }
        }
    )+};
}

lazy_page! {
    HomeRoute => home::HomePage,
    LoginRoute => login::LoginPage,
    WebhookListRoute => webhook_list::WebhookListPage,
    NewWebhookRoute => webhook_new::NewWebhookPage,
    WebhookDetailRoute => webhook_detail::WebhookDetailPage,
    EditWebhookRoute => webhook_edit::EditWebhookPage,
    DeleteWebhookRoute => webhook_delete::DeleteWebhookPage,
    WebhookDeliveriesRoute => deliveries::WebhookDeliveriesPage,
    DeliveryRoute => deliveries::DeliveryPage,
    WorkGroupsRoute => catalog::WorkGroupsPage,
    DeleteWorkGroupRoute => catalog::DeleteWorkGroupPage,
    TemplatesRoute => catalog::TemplatesPage,
    DeleteTemplateRoute => catalog::DeleteTemplatePage,
    ApiKeysRoute => api_keys::ApiKeysPage,
    RevokeApiKeyRoute => api_keys::RevokeApiKeyPage,
    UsersRoute => users::UsersPage,
    AuditRoute => audit::AuditPage,
}
