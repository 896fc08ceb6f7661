"""Validation of objects with kube-apiserver's field paths and messages (422 Invalid)."""
