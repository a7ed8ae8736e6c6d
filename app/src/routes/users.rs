use crate::api::users::{list_users, ChangeUserRole, CreateUser, ResetUserPassword, SetUserDisabled};
use crate::components::fields::FieldError;
use crate::components::form_feedback::{Feedback, InlineField, PageField};
use crate::components::guard::Guarded;
use crate::components::page_data::Loaded;
use crate::model::{Role, MIN_PASSWORD_CHARS};
use leptos::prelude::*;
use leptos_meta::Title;

fn role_options(selected: Option<Role>) -> impl IntoView {
    Role::ALL
        .into_iter()
        .map(move |r| view! { <option value=r.as_str() selected=selected == Some(r)>{r.label()}</option> })
        .collect_view()
}

/// `/users`: a Site Administrator creates users, changes roles, disables accounts and resets passwords.
#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <Title text="Users"/>
        <Guarded roles=Role::USER_ADMINS><Users/></Guarded>
    }
}

#[component]
fn Users() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let change = ServerAction::<ChangeUserRole>::new();
    let disable = ServerAction::<SetUserDisabled>::new();
    let reset = ServerAction::<ResetUserPassword>::new();
    let users = Resource::new(
        move || (create.version().get(), change.version().get(), disable.version().get(), reset.version().get()),
        |_| list_users(),
    );
    let created = Feedback::new("create_user", create.value());
    let rows = [
        Feedback::new("change_user_role", change.value()),
        Feedback::new("set_user_disabled", disable.value()),
        Feedback::new("reset_user_password", reset.value()),
    ];
    let created_message = created.message();
    // Row forms are refused with one line above the table (and, without JavaScript, in the row).
    let row_errors = move || rows.iter().filter_map(|f| f.summary().get()).collect::<Vec<_>>().join(" ");
    let typed_role = created.typed("role").and_then(|r| Role::parse(&r)).unwrap_or(Role::Author);
    view! {
        <section class="page">
            <h1>"Users"</h1>
            <h2>"Create user"</h2>
            <ActionForm action=create attr:class="inline-form">
                <PageField/>
                <InlineField feedback=created name="username" id="new-username" label="Username" maxlength=100 autocomplete="off"/>
                <InlineField feedback=created name="password" id="new-password" label="Password" input_type="password" autocomplete="new-password"/>
                <div class="filter">
                    <label for="new-role">"Role"</label>
                    <select id="new-role" name="role" aria-describedby="new-role-error">{role_options(Some(typed_role))}</select>
                    <FieldError field="new-role" message=created.field("role")/>
                </div>
                <button type="submit" class="primary">"Create user"</button>
            </ActionForm>
            <p class="hint">{format!("Passwords need at least {MIN_PASSWORD_CHARS} characters.")}</p>
            <p class="form-error" role="alert" hidden=move || created_message.get().is_none()>{move || created_message.get()}</p>
            <p class="form-error" role="alert" hidden=move || row_errors().is_empty()>{row_errors}</p>
            <Loaded resource=users page=move |list| view! {
                            <table class="list">
                                <thead><tr><th scope="col">"Username"</th><th scope="col">"Role"</th><th scope="col">"Status"</th><th scope="col">"Actions"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|u| { let (role_label, pw_label) = (format!("Role of {}", u.username), format!("New password for {}", u.username)); view! {
                                        <tr>
                                            <td>
                                                {u.username.clone()}
                                                {rows.iter().find_map(|f| f.row_message(u.id)).map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                                            </td>
                                            <td>
                                                <ActionForm action=change attr:class="inline-form">
                                                    <PageField/>
                                                    <input type="hidden" name="id" value=u.id.to_string()/>
                                                    <label class="visually-hidden" for=format!("role-{}", u.id)>{role_label}</label>
                                                    <select id=format!("role-{}", u.id) name="role">{role_options(Some(u.role))}</select>
                                                    <button type="submit">"Change role"</button>
                                                </ActionForm>
                                            </td>
                                            <td>{if u.disabled { "Disabled" } else { "Enabled" }}</td>
                                            <td class="row-actions">
                                                <ActionForm action=disable attr:class="inline-form">
                                                    <PageField/>
                                                    <input type="hidden" name="id" value=u.id.to_string()/>
                                                    <input type="hidden" name="disabled" value=(!u.disabled).to_string()/>
                                                    <button type="submit">{if u.disabled { "Enable" } else { "Disable" }}</button>
                                                </ActionForm>
                                                <ActionForm action=reset attr:class="inline-form">
                                                    <PageField/>
                                                    <input type="hidden" name="id" value=u.id.to_string()/>
                                                    <label class="visually-hidden" for=format!("pw-{}", u.id)>{pw_label}</label>
                                                    <input id=format!("pw-{}", u.id) name="password" type="password" required autocomplete="new-password" placeholder="New password"/>
                                                    <button type="submit">"Reset password"</button>
                                                </ActionForm>
                                            </td>
                                        </tr>
                                    }}).collect_view()}
                                </tbody>
                            </table>
                        }/>
        </section>
    }
}
