"""The version of shopcli (read by the build and by `shop --version`)."""

__version__ = "0.1.0"
