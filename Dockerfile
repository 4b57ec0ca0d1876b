# telemock: every vendor emulator in one container.
#   docker build -t telemock .
#   docker run --rm -p 8081:8081 -p 8085:8085 -p 8090:8090 -p 57080:57080 telemock
FROM python:3.11-slim
WORKDIR /opt/telemock
COPY pyproject.toml README.md ./
COPY emulators ./emulators
COPY scenarios ./scenarios
RUN pip install --no-cache-dir .
# Binding to 0.0.0.0 exposes the control plane, so it demands a token; override it at run time:
#   docker run -e TELEMOCK_ADMIN_TOKEN=my-secret ...
ENV TELEMOCK_ADMIN_TOKEN=telemock
EXPOSE 8081 8085 8090 57080
CMD ["telemock", "serve", "--host", "0.0.0.0"]
