"""Handing the real terminal to a remote process: `s` shell into a container."""
