"""Every image the production topology runs is named by an explicit version, never `latest` or no tag: an
upgrade is a change in this repository, reviewed and tested, not whatever a registry serves that day.

The issue asks for digests (`name:tag@sha256:...`). Digests cannot be read from a registry on the build
machines (no registry access), and a digest copied from elsewhere cannot be checked here; a wrong one fails
the deployment or, worse, pulls another image. So this test holds every image to an explicit version and
accepts a digest beside it: once an operator pins digests (`docker buildx imagetools inspect name:tag`), the
test keeps them well-formed."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
# name[:tag][@sha256:<64 hex>]; a registry host with a port (host:5000/name) is part of the name.
REFERENCE = re.compile(
    r"^(?P<name>(?:[a-z0-9.-]+:[0-9]+/)?[a-z0-9]+(?:[._/-][a-z0-9]+)*)(?::(?P<tag>\w[\w.-]{0,127}))?"
    r"(?:@(?P<digest>sha256:[0-9a-f]{64}))?$"
)


def compose_images(text: str) -> dict[str, str]:
    """service (or anchor) -> image, over every service of every profile."""
    data = yaml.safe_load(text)
    found = {name: service["image"] for name, service in data["services"].items() if "image" in service}
    found.update(
        {
            key: value["image"]
            for key, value in data.items()
            if key.startswith("x-") and isinstance(value, dict) and "image" in value
        }
    )
    return found


def dockerfile_images(text: str) -> list[str]:
    return [line.split()[1] for line in text.splitlines() if line.upper().startswith("FROM ")]


def problem(image: str) -> str | None:
    """Why an image reference is not pinned to a version, or None."""
    match = REFERENCE.match(image)
    if match is None:
        return "not an image reference"
    tag = match.group("tag")
    if tag is None:
        return "no tag (means latest)"
    if tag == "latest" or not re.search(r"\d", tag):
        return f"tag {tag!r} is not a version"
    return None


def test_every_compose_image_has_a_version():
    images = compose_images((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert {"temporal", "temporal-db", "register-db", "temporal-ui", "prometheus", "mailpit"} <= set(images)
    assert {name: (image, problem(image)) for name, image in images.items() if problem(image)} == {}


def test_the_dockerfile_base_image_has_a_version():
    images = dockerfile_images((ROOT / "Dockerfile").read_text(encoding="utf-8"))
    assert images and [(image, problem(image)) for image in images if problem(image)] == []


def test_our_image_is_tagged_with_the_projects_version():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    images = compose_images((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert images["x-fasthold"] == f"fastholdelse:{version}"


@pytest.mark.parametrize(
    "image, pinned",
    [
        ("postgres:16", True),
        ("temporalio/server:1.31.0", True),
        ("python:3.11-slim-bookworm", True),
        ("registry.example.dk:5000/fasthold/web:0.1.0", True),
        ("postgres:16@sha256:" + "ab" * 32, True),
        ("postgres", False),
        ("postgres:latest", False),
        ("temporalio/ui:main", False),
        ("postgres@sha256:" + "ab" * 32, False),
        ("postgres:16@sha256:abc", False),
        ("Postgres:16", False),
    ],
)
def test_the_check_can_fail(image, pinned):
    assert (problem(image) is None) is pinned, problem(image)


def test_the_readers_find_what_they_should():
    compose = "services:\n  db:\n    image: postgres\n  app:\n    build: .\nx-a:\n  image: a:1\n"
    assert compose_images(compose) == {"db": "postgres", "x-a": "a:1"}
    assert dockerfile_images("# FROM x\nFROM python:3.11 AS build\nfrom debian:12\n") == ["python:3.11", "debian:12"]
