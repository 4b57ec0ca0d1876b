# telemock: every vendor emulator in one small container (README.md, "Docker").
#   docker build -t telemock .
#   docker run --rm -p 8081:8081 -p 8085:8085 -p 8083:8083 -p 8086:8086 -p 8090:8090 -p 57080:57080 -e TELEMOCK_ADMIN_TOKEN=my-secret telemock

# Build stage: the project and its dependencies as wheels (the build tools stay behind).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY emulators ./emulators
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

# Run stage: the wheels installed on a slim Python, run by an unprivileged user.
FROM python:3.11-slim
RUN useradd --create-home --uid 10001 telemock
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels telemock && rm -rf /wheels
USER telemock
WORKDIR /home/telemock
# Binding to 0.0.0.0 exposes the control plane, so it demands a token; override it at run time:
#   docker run -e TELEMOCK_ADMIN_TOKEN=my-secret ...
ENV TELEMOCK_ADMIN_TOKEN=telemock PYTHONUNBUFFERED=1
# Kerauno's API, VoIPcloud's API, MyCalls' API, Daktela's API, the CPaaS's API, Kerauno's agent statuses (its document's own port).
EXPOSE 8081 8083 8085 8086 8090 57080
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 CMD ["telemock", "health"]
CMD ["telemock", "serve", "--host", "0.0.0.0"]
