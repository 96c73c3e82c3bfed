"""Filters over a host's releases: the deployment record (data/deployments.jsonl), each release's
image tags, and the images the releases kept on the host use. Pure functions, unit-tested in
tests/ops/test_deploy_releases.py."""

import json

from ansible.errors import AnsibleFilterError

# Each image of the stack is named delta-strangle-<image> in docker-compose.prod.yml.
IMAGE_PREFIX = "delta-strangle-"


def deployed_releases(record):
    """The releases the record says were deployed (result "deployed"), oldest first, each once at
    its newest place."""
    if not isinstance(record, str):
        raise AnsibleFilterError(f"deployed_releases takes the record's text, not {type(record).__name__}")
    releases = []
    for number, line in enumerate(record.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError as error:
            raise AnsibleFilterError(f"line {number} of the deployment record is not JSON: {error}") from error
        if not isinstance(entry, dict) or "result" not in entry or "to_sha" not in entry:
            raise AnsibleFilterError(f"line {number} of the deployment record has no result and to_sha")
        if entry["result"] == "deployed":
            if entry["to_sha"] in releases:
                releases.remove(entry["to_sha"])
            releases.append(entry["to_sha"])
    return releases


def releases_to_keep(record, count):
    """The newest `count` deployed releases, newest first."""
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise AnsibleFilterError(f"releases_to_keep needs a count of 0 or more, not {count!r}")
    return list(reversed(deployed_releases(record)))[:count]


def release_before(record, running):
    """The release deployed last before `running` (a rollback's target); "" when there is none."""
    earlier = [sha for sha in deployed_releases(record) if sha != running]
    return earlier[-1] if earlier else ""


def release_image_tags(git_output, added_later=()):
    """A release's tag of each image, from the lines `<image>=<commit>` that name the last commit
    changing each image's build inputs (release-facts.yml). An image of `added_later` without a
    commit (a release from before it existed) has no tag; any other is refused."""
    tags = {}
    for line in git_output.splitlines():
        if not line.strip():
            continue
        image, _, commit = line.partition("=")
        commit = commit.strip()
        if len(commit) != 40 or any(c not in "0123456789abcdef" for c in commit):
            if image in added_later and not commit:
                continue
            raise AnsibleFilterError(f"no commit changed the build inputs of image {image} (git said {commit!r})")
        tags[image] = commit
    return tags


def releases_image_tags(git_output, added_later=()):
    """{release: {image: tag}} of several releases at once, from the lines `<release> <image>=<commit>`
    (release-tags.yml: one git call for them all); each release's lines as release_image_tags reads them."""
    lines = {}
    for line in git_output.splitlines():
        if not line.strip():
            continue
        release, _, rest = line.partition(" ")
        lines.setdefault(release, []).append(rest)
    return {release: release_image_tags("\n".join(found), added_later) for release, found in lines.items()}


def release_images(release_tags):
    """Every image (name:tag) the releases of {sha: {image: tag}} run, sorted, each once."""
    return sorted({f"{IMAGE_PREFIX}{image}:{tag}" for tags in release_tags.values() for image, tag in tags.items()})


def other_release_archives(archives, release_tags):
    """The images of `archives` ({image, archive} each) that are release images (an image the
    releases of {sha: {image: tag}} run, under another tag) of none of these releases: loading one
    only for the prune to remove it again is wasted (the sandbox's release.tar of another commit)."""
    wanted = set(release_images(release_tags))
    names = {f"{IMAGE_PREFIX}{image}" for tags in release_tags.values() for image in tags}
    return [
        archive["image"]
        for archive in archives
        if archive["image"].rpartition(":")[0] in names and archive["image"] not in wanted
    ]


def base_image_archives(base_images, archive_dir):
    """The image archives (scripts/save-base-images.sh: <dir>/<python|node|nginx>.tar) of the base
    images built locally by the base image kit (named delta-strangle/...), which no host can pull."""
    return [
        {"image": image, "archive": f"{archive_dir}/{key.removesuffix('_BASE_IMAGE').lower()}.tar"}
        for key, image in sorted(base_images.items())
        if image.startswith("delta-strangle/")
    ]


class FilterModule:
    def filters(self):
        return {
            "deployed_releases": deployed_releases,
            "releases_to_keep": releases_to_keep,
            "release_before": release_before,
            "release_image_tags": release_image_tags,
            "releases_image_tags": releases_image_tags,
            "release_images": release_images,
            "base_image_archives": base_image_archives,
            "other_release_archives": other_release_archives,
        }
