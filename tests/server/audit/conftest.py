from tests.server.core.conftest import branch, clock

__all__ = ["branch", "clock"]
