"""Which base images the release's images are built on, read from the stack's resolved compose
configuration (`compose config --format json`: docker-compose.prod.yml with release.env), so the
refresh of base images and the builds name the same images. Pure, unit-tested in
tests/ops/test_base_image_refresh.py."""

from ansible.errors import AnsibleFilterError

# The build arguments that name a base image (PYTHON_BASE_IMAGE, NODE_BASE_IMAGE, ...).
BASE_IMAGE_ARG_SUFFIX = "_BASE_IMAGE"
# Images of the base image kit are built locally, never pulled (scripts/build-base-images.sh).
KIT_PREFIX = "delta-strangle/"


def base_image_services(compose_config):
    """{base image: [services built on it]} of the images a registry serves (kit images left
    out), from the resolved compose configuration; sorted, so a plan reads the same every run."""
    if not isinstance(compose_config, dict) or not isinstance(compose_config.get("services"), dict):
        raise AnsibleFilterError("base_image_services takes the compose configuration (a mapping with services)")
    found = {}
    for service, definition in sorted(compose_config["services"].items()):
        args = ((definition or {}).get("build") or {}).get("args") or {}
        for name, image in sorted(args.items()):
            if not name.endswith(BASE_IMAGE_ARG_SUFFIX) or not image or image.startswith(KIT_PREFIX):
                continue
            found.setdefault(image, [])
            if service not in found[image]:
                found[image].append(service)
    return found


def services_on_changed_bases(pulls, images_before):
    """The services to rebuild: those built on a base image whose pull brought another image
    than the host had. `pulls` are the results of the pull loop over base_image_services' items
    (item.key the image, item.value its services; image.Id after the pull, absent when no registry
    answered); `images_before` is docker_image_info's images before it."""
    before = {tag: image.get("Id") for image in images_before for tag in image.get("RepoTags") or []}
    services = set()
    for pull in pulls:
        after = (pull.get("image") or {}).get("Id")
        if after and after != before.get(pull["item"]["key"]):
            services.update(pull["item"]["value"])
    return sorted(services)


class FilterModule:
    def filters(self):
        return {
            "base_image_services": base_image_services,
            "services_on_changed_bases": services_on_changed_bases,
        }
