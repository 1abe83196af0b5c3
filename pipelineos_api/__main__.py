"""``python -m pipelineos_api``: serve the API with uvicorn on the configured host and port."""

from __future__ import annotations

import uvicorn

from pipelineos.settings import get_settings


def main() -> None:
    settings = get_settings()
    uvicorn.run(
        "pipelineos_api.app:create_app",
        factory=True,
        host=settings.api_host,
        port=settings.api_port,
        proxy_headers=False,
        access_log=False,
        log_config=None,
    )


if __name__ == "__main__":
    main()
