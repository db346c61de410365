# mpac-publisher as a container, for GitLab CI, Bitbucket Pipelines, Jenkins, CircleCI...
#   docker run --rm -v "$PWD:/workspace" -e MPAC_USER -e MPAC_TOKEN IMAGE publish release.yml

# python:3.12.8-slim-bookworm, pinned by digest so a rebuild gets the same base.
ARG PYTHON_IMAGE=python:3.12.8-slim-bookworm@sha256:2199a62885a12290dc9c5be3ca0681d367576ab7bf037da120e564723292a2f0

FROM ${PYTHON_IMAGE} AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY publisher ./publisher
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MPAC_STATE_DIR=/workspace/.mpac-publisher
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links=/wheels /wheels/mpac_publisher-*.whl \
    && rm -rf /wheels \
    && useradd --create-home --uid 10001 publisher
USER 10001
WORKDIR /workspace
ENTRYPOINT ["mpac-publisher"]
CMD ["--help"]
