# mpac-publisher as a container, for GitLab CI, Bitbucket Pipelines, Jenkins, CircleCI...
#   docker run --rm -v "$PWD:/workspace" -v mpac-state:/var/cache/mpac-publisher \
#     -e MPAC_USER -e MPAC_TOKEN IMAGE publish release.yml

# python:3.12.8-slim-bookworm, pinned by digest so a rebuild gets the same base.
ARG PYTHON_IMAGE=python:3.12.8-slim-bookworm@sha256:2199a62885a12290dc9c5be3ca0681d367576ab7bf037da120e564723292a2f0

FROM ${PYTHON_IMAGE} AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY publisher ./publisher
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM ${PYTHON_IMAGE}
ARG REVISION=""
LABEL org.opencontainers.image.title="mpac-publisher" \
      org.opencontainers.image.description="Publish Atlassian Marketplace app versions from one declarative release.yml" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/mpac-publisher/mpac-publisher" \
      org.opencontainers.image.documentation="https://github.com/mpac-publisher/mpac-publisher#readme" \
      org.opencontainers.image.base.name="docker.io/library/python:3.12.8-slim-bookworm"
# The state dir is inside the image and writable by any user a CI runs the image as (a bind-mounted
# workspace usually is not), sticky like /tmp (1777): no user can replace another's files there;
# mount a volume there to keep it between runs.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MPAC_STATE_DIR=/var/cache/mpac-publisher
COPY requirements.lock /tmp/requirements.lock
COPY --from=build /wheels /wheels
# Dependencies exactly as locked (every file's sha256; wheels only), then the tool without deps.
RUN pip install --no-cache-dir --require-hashes --only-binary=:all: -r /tmp/requirements.lock \
    && pip install --no-cache-dir --no-index --no-deps /wheels/mpac_publisher-*.whl \
    && pip check \
    && rm -rf /wheels /tmp/requirements.lock \
    && useradd --create-home --uid 10001 publisher \
    && install -d -m 1777 /var/cache/mpac-publisher
USER 10001
WORKDIR /workspace
ENTRYPOINT ["mpac-publisher"]
CMD ["--help"]
