"""Secrets handed to people (API tokens, invitation links): generated with 256 bits of
randomness and stored only as SHA-256 digests."""

from __future__ import annotations

import hashlib
import secrets


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
