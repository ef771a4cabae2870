"""A client that speaks the app's real websocket protocol, for state tests, benchmarks and load.

One instance is one browser tab: its own client token, the hydrate event in the CONNECT
packet, events as `{"name", "payload", "router_data"}`, and deltas merged into `self.vars`.
"""

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable
from typing import Any

import socketio

FIELD = "_rx_state_"


def state_name(state_cls: type) -> str:
    return state_cls.get_full_name()  # type: ignore[attr-defined]


def var_key(state_cls: type, var: str) -> str:
    return f"{state_name(state_cls)}.{var}{FIELD}"


class AppClient:
    def __init__(self, base_url: str, *, origin: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.origin = origin or self.base_url
        self.token = str(uuid.uuid4())
        self.vars: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.messages = 0
        self.path = "/"
        self._changed = asyncio.Event()
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("event", self._on_event, namespace="/_event")

    async def _on_event(self, data: dict[str, Any]) -> None:
        self.messages += 1
        for state, changes in (data.get("delta") or {}).items():
            self.vars.setdefault(state, {}).update(changes)
        self.events.extend(data.get("events") or [])
        self._changed.set()

    def router_data(self) -> dict[str, Any]:
        path, _, query = self.path.partition("?")
        params = dict(part.split("=", 1) for part in query.split("&") if "=" in part)
        return {"pathname": path, "asPath": self.path, "query": params}

    async def connect(self, path: str = "/", *, storage: dict[str, str] | None = None) -> None:
        """Open the socket and hydrate `path`, sending `storage` as the browser's cookies would be."""
        self.path = path
        hydrate = {
            "name": "reflex___state____state.hydrate_and_load",
            "payload": {"vars": storage or {}},
            "router_data": self.router_data(),
        }
        await self.sio.connect(
            f"{self.base_url}?token={self.token}",
            socketio_path="/_event",
            namespaces=["/_event"],
            transports=["websocket"],
            auth={"event": hydrate},
            headers={"Origin": self.origin},
            wait_timeout=10,
        )

    async def reconnect(self, *, storage: dict[str, str] | None = None) -> None:
        """What a browser tab does after losing its socket: a new socket, the same tab token."""
        if self.sio.connected:
            await self.sio.disconnect()
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("event", self._on_event, namespace="/_event")
        await self.connect(self.path, storage=storage)

    @property
    def connected(self) -> bool:
        return self.sio.connected

    def local_port(self) -> int:
        """The client side port of the websocket (to find the server process that holds it)."""
        return self.sio.eio.ws.get_extra_info("sockname")[1]

    async def navigate(self, path: str, *, storage: dict[str, str] | None = None) -> None:
        """What the browser does on a client-side navigation: hydrate the new page again."""
        self.path = path
        await self.emit("reflex___state____state.hydrate_and_load", {"vars": storage or {}})

    async def emit(self, name: str, payload: dict[str, Any] | None = None) -> None:
        self._changed.clear()
        await self.sio.emit(
            "event",
            {"name": name, "payload": payload or {}, "router_data": self.router_data()},
            namespace="/_event",
        )

    def get(self, state_cls: type, var: str, default: Any = None) -> Any:
        return self.vars.get(state_name(state_cls), {}).get(var + FIELD, default)

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=min(remaining, 0.5))
        return True

    def redirects(self) -> list[str]:
        return [
            event.get("payload", {}).get("path", "")
            for event in self.events
            if event.get("name") == "_redirect"
        ]

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()
