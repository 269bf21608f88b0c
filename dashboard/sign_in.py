"""The sign-in gate: Streamlit's OpenID Connect sign-in when a deployment configures it.

With an ``[auth]`` section in ``.streamlit/secrets.toml`` every visitor signs in
(``st.login``) and gets the role the roles file gives them (``dashboard.roles``); anyone
else sees a "no access" page with a sign-out button and no data. Without ``[auth]`` (the
demo) nobody signs in and the sidebar says so.

Names, e-mails and vendor ids come from the identity provider or the roles file: they
are drawn with ``st.text``, never read as markdown.
"""

from __future__ import annotations

import streamlit as st

from dashboard.roles import RolesFileError, Viewer, load_roles, resolve_viewer, roles_file

TITLE = "Contact-centre performance"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def sign_in_configured() -> bool:
    """Whether the deployment's secrets configure an OpenID Connect provider."""
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def gate() -> Viewer | None:
    """The signed-in viewer; None in the demo (no sign-in configured).

    Stops the run, after drawing the sign-in or "no access" page, for anyone who is not
    signed in or whom the roles file does not list.
    """
    if not sign_in_configured():
        return None
    if not st.user.get("is_logged_in", False):
        _sign_in_page()
    try:
        roles = load_roles(roles_file())
    except RolesFileError as error:
        st.title(TITLE)
        st.error("The dashboard's roles file has a problem; nobody can sign in until it is fixed.")
        st.text(str(error))
        _sign_out_button(st)
        st.stop()
    viewer = resolve_viewer(st.user.to_dict(), roles)
    if viewer is None:
        _no_access_page()
    return viewer


def _sign_in_page() -> None:
    st.title(TITLE)
    st.write("Sign in with your organisation's account to see the dashboard.")
    if st.button("Sign in", type="primary"):
        st.login()
    st.stop()


def _no_access_page() -> None:
    st.title(TITLE)
    st.subheader("No access")
    st.write("You are signed in as")
    st.text(_who(st.user.get("name"), st.user.get("email") or st.user.get("sub")))
    st.write(
        "but this dashboard's roles file gives you no role. Ask the dashboard's "
        "administrator to add your e-mail address or one of your groups, then sign in again."
    )
    _sign_out_button(st)
    st.stop()


def refuse_unknown_vendor(viewer: Viewer | None, vendors: set[str]) -> None:
    """Stop with a "no access" page when a vendor user's vendor is not in the warehouse
    (a typo in the roles file would otherwise show them nothing, or the wrong vendor)."""
    if viewer is None or viewer.vendor_id is None or viewer.vendor_id in vendors:
        return
    st.title(TITLE)
    st.subheader("No access")
    st.warning(
        "The roles file makes you a user of a vendor that no centre of this warehouse "
        "belongs to. Ask the dashboard's administrator to correct the roles file."
    )
    st.text(f"Vendor in the roles file: {viewer.vendor_id}")
    _sign_out_button(st)
    st.stop()


def show_viewer(viewer: Viewer | None) -> None:
    """The sidebar's note on who is signed in (and a sign-out button), or on the demo."""
    sidebar = st.sidebar
    if viewer is None:
        address = st.get_option("server.address")
        if address in LOOPBACK:
            sidebar.caption("Demo: no sign-in; served on this machine only.")
        else:
            sidebar.warning("No sign-in: anyone who can reach this server sees every centre.")
            sidebar.text(f"Served on {address or 'every interface'}")
        return
    sidebar.caption("Signed in as")
    sidebar.text(_who(viewer.name, viewer.email))
    sidebar.caption("Role")
    sidebar.text(viewer.role_label)
    _sign_out_button(sidebar)


def _who(name: object, email: object) -> str:
    """'Ann Head <ann@example.com>', or the e-mail alone."""
    who = str(email or "an account without an e-mail address")
    return f"{name} <{who}>" if name and name != email else who


def _sign_out_button(where) -> None:
    if where.button("Sign out"):
        st.logout()
