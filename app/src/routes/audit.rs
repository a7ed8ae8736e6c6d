use crate::api::audit::list_audit;
use crate::components::guard::Guarded;
use crate::components::page_data::Loaded;
use crate::model::Role;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/audit`: every change, newest first.
#[component]
pub fn AuditPage() -> impl IntoView {
    let entries = Resource::new(|| (), |_| list_audit());
    view! {
        <Title text="Audit log"/>
        <Guarded roles=Role::WEBHOOK_ADMINS>
            <section class="page">
                <h1>"Audit log"</h1>
                <Loaded resource=entries page=|list| view! {
                                <table class="list">
                                    <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"Target"</th><th scope="col">"Detail"</th></tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|e| view! {
                                            <tr><td>{e.at}</td><td>{e.actor}</td><td><code>{e.action}</code></td><td>{e.target}</td><td>{e.detail}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }/>
            </section>
        </Guarded>
    }
}
