import reflex as rx
from reflex.plugins.sitemap import SitemapPlugin

from mentor_dash import settings

config = rx.Config(
    app_name="mentor_dash",
    db_url=settings.database_url(),
    redis_url=settings.redis_url(),
    telemetry_enabled=False,
    show_built_with_reflex=False,
    cors_allowed_origins=settings.cors_allowed_origins(),
    frontend_port=settings.app_port(),
    backend_port=settings.app_port(),
    disable_plugins=[SitemapPlugin],
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(appearance="light", accent_color="indigo", gray_color="slate", radius="medium"),
        ),
    ],
)
