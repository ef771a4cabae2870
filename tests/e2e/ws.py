"""Websocket sessions against the running app: signing in the way the login form does."""

from mentor_dash.pages.login import LoginState
from mentor_dash.state import SessionState
from tests.e2e.conftest import RunningApp
from tests.ws_client import AppClient, state_name

DEMO_PASSWORD = "demo1234"


def handler(state_cls: type, name: str) -> str:
    return f"{state_name(state_cls)}.{name}"


async def signed_in_client(app: RunningApp, email: str, *, path: str = "/") -> AppClient:
    client = AppClient(app.base_url)
    await client.connect("/login")
    await client.wait_for(lambda: client.get(SessionState, "session_token") is not None, timeout=10)
    await client.emit(
        handler(LoginState, "sign_in"), {"form_data": {"email": email, "password": DEMO_PASSWORD}}
    )
    assert await client.wait_for(lambda: bool(client.get(SessionState, "session_token")), timeout=15), (
        f"could not sign in as {email}"
    )
    token = client.get(SessionState, "session_token")
    await client.navigate(path, storage={f"{state_name(SessionState)}.session_token_rx_state_": token})
    return client
