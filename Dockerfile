# fargate-netcheck as a container: the CLI is the entrypoint, run as an unprivileged user.
#   docker build -t fargate-netcheck .
#   docker run --rm -v "$PWD:/work" fargate-netcheck check --cloudformation cdk.out/App.template.json
FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY fargate_netcheck ./fargate_netcheck
COPY rules ./rules
COPY reports ./reports
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels \
    && useradd --create-home --uid 10001 --user-group netcheck
USER 10001:10001
WORKDIR /work
ENTRYPOINT ["fargate-netcheck"]
CMD ["--help"]
