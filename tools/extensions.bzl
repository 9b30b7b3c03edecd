"""Module extensions of Citadel's rules: `citadel.lock` declares a lock's files as repositories."""

load("//tools/private:wheels.bzl", _citadel = "citadel")

citadel = _citadel
